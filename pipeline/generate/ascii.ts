/** ASCII helpers for writing numbers straight into byte buffers (no intermediate strings). */

/** "00".."99" as byte pairs. */
export const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[i * 2] = 48 + Math.floor(i / 10);
  DIGITS2[i * 2 + 1] = 48 + (i % 10);
}

export const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Decimal digits of a non-negative integer below 2^53; returns the position after them. */
export function writeUint(out: Uint8Array, pos: number, value: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let k = pos + digits - 1; k >= pos; k--) {
    out[k] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}
