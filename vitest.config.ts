import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['{pipeline,server,components,app}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules/**', 'data/**', '.next/**', 'e2e/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB and the pipeline already use both cores; keep test files from fighting over them.
    maxWorkers: 2,
  },
});
