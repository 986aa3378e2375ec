/** What a dashboard page looks like while its data is prefetched: same blocks, same heights. */
export function PageSkeleton() {
  return (
    <div role="status" aria-label="Loading the page" className="animate-pulse space-y-6">
      <div className="space-y-3">
        <div className="h-4 w-72 rounded bg-slate-200 dark:bg-slate-800" />
        <div className="h-16 rounded-lg bg-slate-200 dark:bg-slate-800" />
      </div>
      <div className="h-12 w-96 max-w-full rounded bg-slate-200 dark:bg-slate-800" />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="h-[112px] rounded-lg bg-slate-200 dark:bg-slate-800" />
        ))}
      </div>
      <div className="h-[380px] rounded-lg bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}
