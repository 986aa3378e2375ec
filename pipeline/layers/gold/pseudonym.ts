/**
 * Keyed pseudonyms for user ids in gold (HMAC-SHA-256 with CLICKLAKE_PSEUDONYM_KEY): stable across
 * runs, not reversible without the key. When the variable is unset a random key is created once and
 * kept beside the lake (`data/pseudonym.key` for the default lake), readable only by its owner.
 *
 * HMAC is computed inside DuckDB from the two padded keys (RFC 2104), so millions of ids never cross
 * into JavaScript: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { env } from '../../config';

const BLOCK = 64;

export function pseudonymKeyFile(lakeDir: string): string {
  return path.join(path.dirname(path.resolve(lakeDir)), 'pseudonym.key');
}

export function loadPseudonymKey(lakeDir: string): Buffer {
  const configured = env().CLICKLAKE_PSEUDONYM_KEY;
  if (configured) return Buffer.from(configured, 'utf8');
  const file = pseudonymKeyFile(lakeDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

/** Bound parameters $hmac_ipad and $hmac_opad for `userKeySql`. */
export function hmacParams(key: Buffer): { hmac_ipad: DuckDBBlobValue; hmac_opad: DuckDBBlobValue } {
  const block = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(block);
  const xor = (pad: number) => new DuckDBBlobValue(Uint8Array.from(block, (byte) => byte ^ pad));
  return { hmac_ipad: xor(0x36), hmac_opad: xor(0x5c) };
}

/** Hex HMAC-SHA-256 of a VARCHAR expression. */
function hmacSql(expression: string): string {
  return `sha256($hmac_opad || unhex(sha256($hmac_ipad || CAST(CAST(${expression} AS VARCHAR) AS BLOB))))`;
}

/**
 * A user's pseudonym in gold: the first 60 bits of the HMAC (15 hex digits) as a BIGINT, compact and
 * fast for exact distinct counts. The full 64-digit hex is not stored: it was most of user_summary's
 * bytes and adds nothing a 60-bit key does not (any collision among 3 M users: about 4 × 10⁻⁶).
 */
export function userKeySql(expression: string): string {
  return `CAST(('0x' || (${hmacSql(expression)})[1:15]) AS BIGINT)`;
}
