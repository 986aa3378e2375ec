/**
 * Prepares what the production server reads before the browser tests start. The lake is built by
 * the real pipeline from generated data once it exists (see e2e/fixtures.ts).
 */
import { mkdirSync } from 'node:fs';

export default async function globalSetup(): Promise<void> {
  mkdirSync('.tmp/e2e', { recursive: true });
}
