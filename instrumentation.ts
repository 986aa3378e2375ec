/** Next.js server start-up hook: server-only services that client components reach at render time. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadServerEnv } = await import('./server/env');
  if (!loadServerEnv().chartFrames) return;
  const { registerChartFrameRenderer } = await import('./components/charts/server-svg');
  registerChartFrameRenderer();
}
