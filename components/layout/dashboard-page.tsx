import { dehydrate, HydrationBoundary, type QueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Suspense } from 'react';
import { DashboardChrome } from '@/components/layout/dashboard-chrome';
import { PageHeader } from '@/components/layout/page-header';
import { metaInput, parseView, type Filters, type ViewState } from '@/components/filters/url-state';
import { HydrateLate } from '@/components/trpc/hydrate-late';
import { filtersProblem, getQueryClient, trpc, type ServerTRPC } from '@/components/trpc/server';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * How long the server waits for the page's queries before sending the first part of the HTML.
 * When every answer is in by then, the page goes out whole (with warm caches: always). Otherwise the
 * view goes out with skeletons for the missing answers, and the same response carries the view again,
 * complete, once they are in (a Suspense boundary React swaps in place; DashboardPage): the cards of
 * slow cold queries show with the HTML, without waiting for the browser to load and hydrate the
 * JavaScript (~2–3 s on a cold 2-core machine), and the browser requests nothing. Past LATE_LIMIT_MS
 * the rest is left to the cards' own fetches. CLICKLAKE_PREFETCH_BUDGET_MS overrides the budget (the
 * e2e server raises it; the live-refresh spec sets 1 ms to take the streaming path everywhere).
 */
const PREFETCH_BUDGET_MS = Number(process.env.CLICKLAKE_PREFETCH_BUDGET_MS) || 600;
/** How long a view whose answers missed the budget waits for them before its cards fetch the rest themselves. */
const LATE_LIMIT_MS = 10_000;

interface DashboardPageProps {
  searchParams: SearchParams;
  path: string;
  title: string;
  question: string;
  /** The procedures the page's client components read, prefetched on the server. */
  prefetch: (api: ServerTRPC, filters: Filters, queryClient: QueryClient, view: ViewState) => Promise<void>[];
  children: React.ReactNode;
}

function badRequestMessage(queryClient: QueryClient): string | null {
  for (const query of queryClient.getQueryCache().getAll()) {
    const error = query.state.error as { code?: string; message?: string } | null;
    if (error && error.code === 'BAD_REQUEST') return error.message ?? 'invalid filters';
  }
  return null;
}

/**
 * The frame of every dashboard page: validates the URL, prefetches the page's procedures in-process
 * and hands the answers to the client components, which render with data on first paint and never
 * request what the server answered.
 */
export async function DashboardPage({ searchParams, path, title, question, prefetch, children }: DashboardPageProps) {
  const parsed = parseView(await searchParams);
  if (!parsed.ok) return <BadParams path={path} title={title} problems={parsed.problems} />;
  const { filters } = parsed.view;
  const problem = await filtersProblem(filters);
  if (problem === 'no-lake') return <NoData title={title} />;
  if (problem) return <BadParams path={path} title={title} problems={[problem]} />;
  const queryClient = getQueryClient();
  const prefetched = Promise.all([
    queryClient.prefetchQuery(trpc.meta.filters.queryOptions(metaInput(filters))),
    queryClient.prefetchQuery(trpc.meta.freshness.queryOptions(metaInput(filters))),
    // Run markers on every time series, partly loaded days, the quarantine share of the range.
    queryClient.prefetchQuery(trpc.meta.provenance.queryOptions(filters)),
    ...prefetch(trpc, filters, queryClient, parsed.view),
  ]);
  const allIn = await within(prefetched, PREFETCH_BUDGET_MS);
  const rejected = badRequestMessage(queryClient);
  if (rejected) return <BadParams path={path} title={title} problems={[rejected]} />;
  const early = dehydrate(queryClient);
  return (
    <HydrationBoundary state={early}>
      <PageHeader title={title} question={question} />
      {/* No Suspense boundary around the chrome and the view when every answer made the budget:
          content streamed after the shell is revealed by React at most every 300 ms after the first
          paint, which delayed the largest paint (a card's takeaway) by that much. The page is
          dynamic, so useSearchParams needs none. */}
      <DashboardChrome />
      {allIn ? (
        children
      ) : (
        // Some answers missed the budget: the view goes out now with what is in (skeletons for the
        // rest), and again, complete, in the same response once the rest is in. Its cards then show
        // with the HTML instead of after the browser has loaded and hydrated the JavaScript.
        <Suspense fallback={children}>
          <Completed pending={prefetched} queryClient={queryClient} sent={new Set(early.queries.map((q) => q.queryHash))}>
            {children}
          </Completed>
        </Suspense>
      )}
    </HydrationBoundary>
  );
}

/** Whether `work` settled within `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A view whose answers missed the budget: waits for them (at most LATE_LIMIT_MS) and sends the view again with the new ones. */
async function Completed({ pending, queryClient, sent, children }: { pending: Promise<unknown>; queryClient: QueryClient; sent: Set<string>; children: React.ReactNode }) {
  await within(pending, LATE_LIMIT_MS);
  const late = dehydrate(queryClient, { shouldDehydrateQuery: (query) => query.state.status === 'success' && !sent.has(query.queryHash) });
  return <HydrateLate state={late}>{children}</HydrateLate>;
}

function BadParams({ path, title, problems }: { path: string; title: string; problems: string[] }) {
  return (
    <div role="alert" data-testid="bad-params" className="card mx-auto max-w-2xl border-amber-300 dark:border-amber-800">
      <h1 className="text-xl font-semibold">{title}: this link has filters we cannot use</h1>
      <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p className="mt-4 text-sm">
        <Link href={path} className="font-medium text-brand-600 underline dark:text-blue-400">
          Show {title} for the whole period
        </Link>{' '}
        or pick a range with the filters.
      </p>
    </div>
  );
}

/** A fresh checkout before the first pipeline run: what to do instead of an error. */
function NoData({ title }: { title: string }) {
  return (
    <div role="status" data-testid="no-data" className="card mx-auto max-w-2xl">
      <h1 className="text-xl font-semibold">{title}: no data yet</h1>
      <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">
        The lake this server reads (<code>CLICKLAKE_LAKE</code>, <code>data/lake</code> by default) has no gold tables. Put REES46-format CSV files in{' '}
        <code>data/landing</code> (or generate some with <code>npm run clicklake -- generate</code>) and run the pipeline with{' '}
        <code>npm run clicklake -- run</code>, then reload this page. <code>npm run demo</code> does all of it.
      </p>
    </div>
  );
}
