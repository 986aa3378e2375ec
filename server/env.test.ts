import { describe, expect, it } from 'vitest';
import { ConfigError } from '../pipeline/config';
import { loadServerEnv } from './env';

/** A process environment of just these variables (NODE_ENV is required by Next's typing). */
const vars = (values: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', CLICKLAKE_LAKE: 'data/lake', ...values });

describe('server environment', () => {
  it('defaults: warm-up and chart frames on, cache and pool sized', () => {
    const env = loadServerEnv(vars({}));
    expect(env).toMatchObject({ warm: true, chartFrames: true, memoryLimit: '1GB', connections: 4, cacheEntries: 2000, log: 'json' });
  });

  it('switches warm-up and chart frames off', () => {
    const env = loadServerEnv(vars({ CLICKLAKE_API_WARM: 'off', CLICKLAKE_CHART_FRAMES: 'off' }));
    expect(env.warm).toBe(false);
    expect(env.chartFrames).toBe(false);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadServerEnv(vars({ CLICKLAKE_CHART_FRAMES: 'yes' }))).toThrow(ConfigError);
    expect(() => loadServerEnv(vars({ CLICKLAKE_CHART_FRAMES: 'yes' }))).toThrow(/CLICKLAKE_CHART_FRAMES/);
    expect(() => loadServerEnv(vars({ CLICKLAKE_API_MEMORY_LIMIT: 'lots' }))).toThrow(/CLICKLAKE_API_MEMORY_LIMIT must look like 1GB/);
  });
});
