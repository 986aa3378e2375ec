'use client';

import Link from 'next/link';

/** A page that failed to render: what happened, a retry, and a way back to a known-good view. */
export function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="card mx-auto max-w-2xl border-red-300 dark:border-red-900">
      <h1 className="text-xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">
        {error.message || 'The server could not answer.'}
        {error.digest ? <span className="block text-xs text-slate-500">Reference: {error.digest}</span> : null}
      </p>
      <div className="mt-4 flex gap-2">
        <button type="button" className="btn" onClick={reset}>
          Try again
        </button>
        <Link href="/" className="btn">
          Back to the overview
        </Link>
      </div>
    </div>
  );
}
