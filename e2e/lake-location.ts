/** Where the e2e lake lives; shared by the global setup and the web server's environment. */
export const E2E_ROOT = '.tmp/e2e/e100k-s7-d0.01';
export const E2E_LAKE_PARAMS = { events: 100_000, seed: 7, dirtyRate: 0.01, days: 31 };
export const E2E_LAKE_DIR = process.env.E2E_LAKE ?? `${E2E_ROOT}/lake`;
/** Port of the production server under test, and of the second one that reads no lake at all. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const NO_DATA_PORT = E2E_PORT + 1;
