import { defineConfig, devices } from '@playwright/test';
import { E2E_LAKE_DIR, E2E_PORT, NO_DATA_PORT } from './e2e/lake-location';

/**
 * e2e runs a real production build (`next build` happens in `npm run test:e2e` before this config is
 * loaded) served by `next start`, driven in Debian's Chromium: Playwright's own browser download
 * cannot work on these machines.
 */
const PORT = E2E_PORT;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: [
    {
      // The lake is built (or found cached) first: see e2e/prepare-lake.ts.
      command: `node --import tsx e2e/prepare-lake.ts && npx next start -p ${PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}/`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { NEXT_TELEMETRY_DISABLED: '1', CLICKLAKE_LAKE: E2E_LAKE_DIR, CLICKLAKE_API_LOG: 'off', CLICKLAKE_PREFETCH_BUDGET_MS: '10000' },
    },
    {
      // The same build over a lake that does not exist yet (a fresh checkout): e2e/no-data.spec.ts.
      command: `npx next start -p ${NO_DATA_PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${NO_DATA_PORT}/`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: { NEXT_TELEMETRY_DISABLED: '1', CLICKLAKE_LAKE: '.tmp/e2e/no-lake-here', CLICKLAKE_API_LOG: 'off' },
    },
  ],
});
