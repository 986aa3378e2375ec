/**
 * Server-side caller for server components: procedures run in-process (no HTTP round trip) against
 * the process-wide service, with the same validation, cache and metrics as HTTP calls.
 */
import type { GoldService } from '../service';
import { getGoldService } from '../service';
import { createCaller } from './routers/_app';

export async function getCaller() {
  return createCaller({ service: await getGoldService() });
}

/** A caller over a given service (tests, benchmarks). */
export function callerFor(service: GoldService) {
  return createCaller({ service });
}

export type Caller = Awaited<ReturnType<typeof getCaller>>;
