import { dehydrate, HydrationBoundary, type QueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { DashboardChrome } from '@/components/layout/dashboard-chrome';
import { PageHeader } from '@/components/layout/page-header';
import { metaInput, parseView, type Filters, type ViewState } from '@/components/filters/url-state';
import { filtersProblem, getQueryClient, trpc, type ServerTRPC } from '@/components/trpc/server';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * How long the server waits for the page's queries before sending the HTML. Answers within it are
 * rendered into the HTML (with warm caches: all of them); the cards of slower ones show a skeleton
 * and their client fetches them right after hydration (joining the computation the prefetch
 * started), so one slow cold query never holds the whole page. CLICKLAKE_PREFETCH_BUDGET_MS
 * overrides it (the e2e server raises it: a loaded CI machine must not turn prefetches into fetches).
 * 600 ms, not less: a page whose answers miss the budget shows its numbers only after the browser has
 * loaded and hydrated the JavaScript (~2 s on a cold 2-core machine), so waiting a little longer for
 * the whole-month funnel (~0.3–0.4 s with six queries at once) makes the first paint complete.
 */
const PREFETCH_BUDGET_MS = Number(process.env.CLICKLAKE_PREFETCH_BUDGET_MS) || 600;

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
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([prefetched, new Promise((resolve) => (timer = setTimeout(resolve, PREFETCH_BUDGET_MS)))]);
  clearTimeout(timer);
  const rejected = badRequestMessage(queryClient);
  if (rejected) return <BadParams path={path} title={title} problems={[rejected]} />;
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <PageHeader title={title} question={question} />
      {/* No Suspense boundary around the chrome and the view: content streamed after the shell is
          revealed by React at most every 300 ms after the first paint, which delayed the largest
          paint (a card's takeaway) by that much. The page is dynamic, so useSearchParams needs none. */}
      <DashboardChrome />
      {children}
    </HydrationBoundary>
  );
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
