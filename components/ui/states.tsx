/** Loading, empty and error states that keep the space a chart will take (no layout shift). */
export function Skeleton({ height, label = 'Loading…' }: { height: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ height }} className="w-full animate-pulse rounded-md bg-slate-200/70 dark:bg-slate-800/70">
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function EmptyState({ height, message }: { height: number; message: string }) {
  return (
    <div style={{ height }} data-testid="empty-state" className="flex w-full items-center justify-center rounded-md border border-dashed border-slate-300 p-4 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
      {message}
    </div>
  );
}

export function ErrorState({ height, message, onRetry }: { height: number; message: string; onRetry?: () => void }) {
  return (
    <div role="alert" style={{ height }} data-testid="error-state" className="flex w-full flex-col items-center justify-center gap-3 rounded-md border border-red-300 bg-red-50 p-4 text-center text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
      <p>Could not load this data: {message}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry} className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-800">
          Retry
        </button>
      ) : null}
    </div>
  );
}
