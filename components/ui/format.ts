/** Number formatting shared by cards, tooltips, tables and takeaways (en-US, USD). */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2, minimumFractionDigits: 2 });
const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });

export type Unit = 'count' | 'usd' | 'rate' | 'minutes' | 'seconds';

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}
export function fmtCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : Math.abs(n) < 10_000 ? integer.format(n) : compact.format(n);
}
export function fmtUsd(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : usd.format(n);
}
export function fmtUsdCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : Math.abs(n) < 10_000 ? usd.format(n) : usdCompact.format(n);
}
/** `rate` is a fraction (0.0312 → "3.12%"). */
export function fmtPct(rate: number | null | undefined, digits = 2): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : `${(rate * 100).toFixed(digits)}%`;
}
export function fmtUnit(n: number | null | undefined, unit: Unit): string {
  switch (unit) {
    case 'usd':
      return fmtUsd(n);
    case 'rate':
      return fmtPct(n);
    case 'minutes':
      return n === null || n === undefined ? '—' : `${integer.format(n)} min`;
    case 'seconds':
      return n === null || n === undefined ? '—' : `${n.toFixed(1)} s`;
    default:
      return fmtInt(n);
  }
}
export function fmtAxis(n: number, unit: Unit): string {
  switch (unit) {
    case 'usd':
      return Math.abs(n) < 1000 ? `$${integer.format(n)}` : usdCompact.format(n);
    case 'rate':
      return fmtPct(n, n !== 0 && Math.abs(n) < 0.1 ? 1 : 0);
    default:
      return fmtCompact(n);
  }
}
/** Relative change `(current - previous) / previous`, null when undefined. */
export function change(current: number | null, previous: number | null | undefined): number | null {
  if (current === null || previous === null || previous === undefined || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}
export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}
export function fmtAgo(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.round(hours / 24)} days ago`;
}
