/** Where the e2e lake lives; shared by the global setup and the web server's environment. */
export const E2E_ROOT = '.tmp/e2e/e100k-s7-d0.01';
export const E2E_LAKE_PARAMS = { events: 100_000, seed: 7, dirtyRate: 0.01, days: 31 };
export const E2E_LAKE_DIR = process.env.E2E_LAKE ?? `${E2E_ROOT}/lake`;
/**
 * Ports of the servers e2e starts: the production server under test, the one live-refresh.spec.ts
 * starts over its own lake, and the one that reads no lake at all (no-data.spec.ts).
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const LIVE_PORT = Number(process.env.E2E_LIVE_PORT ?? E2E_PORT + 1);
export const NO_DATA_PORT = Number(process.env.E2E_NO_DATA_PORT ?? E2E_PORT + 2);
