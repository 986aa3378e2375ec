'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { barOption, stackedBarOption } from '@/components/charts/breakdown';
import { Chart } from '@/components/charts/chart';
import { metaInput, serializeView } from '@/components/filters/url-state';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { numCol, textCol } from '@/components/ui/csv';
import { fmtBytes, fmtInt, fmtPct } from '@/components/ui/format';

type Run = Outputs['technical']['runs'][number];
type Table = Outputs['technical']['tables'][number];
type Latency = Outputs['technical']['apiLatency']['procedures'][number];
type Reason = Outputs['technical']['quality']['quarantineReasons'][number];
type HistoryRow = Table['history'][number] & { table: string };
interface StageRow {
  run: string;
  stage: string;
  durationMs: number;
  rowsIn: number;
  rowsOut: number;
  rejected: number;
  quarantined: number;
  duplicatesRemoved: number;
  bytesWritten: number;
}

const STAGES = ['bronze', 'silver', 'gold'];
const runLabel = (r: { startedAt: string }) => r.startedAt.slice(5, 16).replace('T', ' ');
const ms = (v: number | null) => (v === null ? '—' : v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(1)} s`);

export function TechnicalView() {
  const trpc = useTRPC();
  const { view, filters } = useView();
  const asOf = filters.asOf;
  const runs = usePageQuery(trpc.technical.runs.queryOptions({ limit: 20, asOf }));
  const quality = usePageQuery(trpc.technical.quality.queryOptions(asOf !== undefined ? { asOf } : undefined));
  const tables = usePageQuery(trpc.technical.tables.queryOptions({ historyLimit: 10 }));
  const latency = useQuery({ ...trpc.technical.apiLatency.queryOptions(), refetchInterval: 30_000 });
  const meta = useQuery(trpc.meta.filters.queryOptions(metaInput(filters)));
  const [pickedTable, setPickedTable] = useState<string | null>(null);
  const historyTable = pickedTable ?? meta.data?.anchorTable ?? tables.data?.[0]?.name ?? null;
  const timeTravelHref = (version: number) => `/?${serializeView({ filters: { ...view.filters, asOf: version }, compare: view.compare })}`;

  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          title="Pipeline runs: stage durations"
          subtitle="Seconds per stage for the last 20 runs (start time UTC)"
          query={runs}
          testId="chart-runs"
          height={280}
          emptyMessage="No pipeline runs recorded yet — run `npm run clicklake -- run`."
          rows={(d) => [...d].reverse().flatMap((r: Run) => r.stages.map((s) => ({ run: runLabel(r), stage: s.stage, durationMs: s.durationMs, rowsIn: s.rowsIn, rowsOut: s.rowsOut, rejected: s.rejected, quarantined: s.quarantined, duplicatesRemoved: s.duplicatesRemoved, bytesWritten: s.bytesWritten })))}
          columns={[
            textCol<StageRow>('run', 'Run (UTC)', (r) => r.run),
            textCol<StageRow>('stage', 'Stage', (r) => r.stage),
            numCol<StageRow>('durationMs', 'Duration', (r) => r.durationMs, ms),
            numCol<StageRow>('rowsIn', 'Rows in', (r) => r.rowsIn, fmtInt),
            numCol<StageRow>('rowsOut', 'Rows out', (r) => r.rowsOut, fmtInt),
            numCol<StageRow>('rejected', 'Rejected', (r) => r.rejected, fmtInt),
            numCol<StageRow>('quarantined', 'Quarantined', (r) => r.quarantined, fmtInt),
            numCol<StageRow>('duplicatesRemoved', 'Duplicates', (r) => r.duplicatesRemoved, fmtInt),
            numCol<StageRow>('bytesWritten', 'Written', (r) => r.bytesWritten, (v) => fmtBytes(v ?? 0)),
          ]}
          takeaway={(d) => (d[0] ? `Last run took ${ms(d[0].durationMs)}: ${d[0].stages.map((s) => `${s.stage} ${fmtInt(s.rowsOut)} rows`).join(' → ')}.` : null)}
        >
          {(d) => {
            const ordered = [...d].reverse();
            return (
              <Chart
                height={280}
                span="twoThirds"
                label="Stage durations per pipeline run"
                build={(theme) => stackedBarOption({ categories: ordered.map(runLabel), series: STAGES.map((stage) => ({ name: stage, values: ordered.map((r) => (r.stages.find((s) => s.stage === stage)?.durationMs ?? 0) / 1000) })), unit: 'seconds' }, theme)}
              />
            );
          }}
        </Card>
        <Card
          title="Data quality"
          subtitle="Quarantined source rows by primary reason, latest run"
          query={quality}
          testId="chart-quarantine"
          height={280}
          emptyMessage="Nothing quarantined: every source row passed the rules."
          rows={(d) => d.quarantineReasons}
          columns={[textCol<Reason>('reason', 'Reason', (r) => r.reason), numCol<Reason>('rows', 'Rows', (r) => r.rows, fmtInt)]}
          takeaway={(d) => `Quality score ${fmtPct(d.score)} (share of bronze rows that reached silver or were duplicates); reconciliation ${d.balanced === null ? 'not measured' : d.balanced ? 'balanced' : 'NOT balanced'}.`}
        >
          {(_, shown) => <Chart height={280} span="third" label="Quarantined rows by reason" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.reason, value: r.rows })), unit: 'count', seriesName: 'Rows', horizontal: true }, theme)} />}
        </Card>
      </div>

      <section className="card" aria-labelledby="timetravel-heading" data-testid="time-travel">
        <h2 id="timetravel-heading" className="text-base font-semibold">
          Open the dashboard as of a past version
        </h2>
        <p className="mb-2 text-xs text-slate-500">Gold versions (commits of {meta.data?.anchorTable ?? 'gold.daily_kpis'}); each link opens the Executive page with that version&apos;s numbers.</p>
        {meta.data ? (
          <ul className="flex flex-wrap gap-2">
            {meta.data.goldVersions.map((v) => (
              <li key={v.version}>
                <Link className="btn" href={timeTravelHref(v.version)} data-testid="time-travel-link" data-version={v.version}>
                  v{v.version} · {v.committedAt.slice(0, 16).replace('T', ' ')} UTC{v.version === meta.data.goldVersion && asOf === undefined ? ' (latest)' : ''}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <div className="h-8 animate-pulse rounded bg-slate-200/70 dark:bg-slate-800/70" />
        )}
      </section>

      <Card
        title="Delta tables"
        subtitle="Every table in the lake (latest snapshot): version, data files, records, size, partitions"
        query={tables}
        testId="table-delta-tables"
        emptyMessage="No Delta tables under the lake directory yet."
        rows={(d) => d}
        tablePageSize={50}
        columns={[
          textCol<Table>('name', 'Table', (r) => r.name),
          numCol<Table>('version', 'Version', (r) => r.version, (v) => String(v)),
          numCol<Table>('numFiles', 'Files', (r) => r.numFiles, fmtInt),
          numCol<Table>('numRecords', 'Records', (r) => r.numRecords, fmtInt),
          numCol<Table>('sizeBytes', 'Size', (r) => r.sizeBytes, (v) => fmtBytes(v ?? 0)),
          textCol<Table>('partitionColumns', 'Partitioned by', (r) => r.partitionColumns.join(', ') || '—'),
          numCol<Table>('partitions', 'Partitions', (r) => r.partitions, fmtInt),
        ]}
      />

      <Card
        title="Table history"
        subtitle={`The last 10 commits of ${historyTable ?? 'a table'}; for ${meta.data?.anchorTable ?? 'gold.daily_kpis'}, each version opens the dashboard as it was`}
        query={tables}
        testId="table-history"
        emptyMessage="No commits recorded for this table."
        rows={(d) => d.find((t) => t.name === historyTable)?.history.map((h) => ({ ...h, table: historyTable ?? '' })) ?? []}
        columns={[
          numCol<HistoryRow>('version', 'Version', (r) => r.version, (v) => String(v)),
          textCol<HistoryRow>('timestamp', 'Committed (UTC)', (r) => r.timestamp.slice(0, 19).replace('T', ' ')),
          textCol<HistoryRow>('operation', 'Operation', (r) => r.operation),
          numCol<HistoryRow>('numOutputRows', 'Rows written', (r) => r.numOutputRows, fmtInt),
          textCol<HistoryRow>('runId', 'Run', (r) => r.runId),
          {
            key: 'open',
            label: 'Time travel',
            value: (r) => (meta.data && r.table === meta.data.anchorTable ? timeTravelHref(r.version) : null),
            render: (r) =>
              meta.data && r.table === meta.data.anchorTable ? (
                <Link href={timeTravelHref(r.version)} className="text-brand-600 underline dark:text-blue-400" data-testid="history-time-travel">
                  open dashboard as of v{r.version}
                </Link>
              ) : (
                '—'
              ),
          },
        ]}
        headerExtra={
          tables.data ? (
            <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
              Table
              <select className="field py-0.5 text-xs" value={historyTable ?? ''} onChange={(e) => setPickedTable(e.target.value)} data-testid="history-table">
                {tables.data.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.name} (v{t.version})
                  </option>
                ))}
              </select>
            </label>
          ) : null
        }
      />

      <Card
        title="API latency"
        subtitle="Per procedure since the server started: p50 / p95 over the last 2,048 calls; refreshes every 30 s"
        query={latency}
        testId="table-api-latency"
        emptyMessage="No API calls measured yet."
        rows={(d) => d.procedures}
        tablePageSize={15}
        columns={[
          textCol<Latency>('procedure', 'Procedure', (r) => r.procedure),
          numCol<Latency>('count', 'Calls', (r) => r.count, fmtInt),
          numCol<Latency>('errors', 'Errors', (r) => r.errors, fmtInt),
          numCol<Latency>('cacheHitRate', 'Cache hits', (r) => r.cacheHitRate, fmtPct),
          numCol<Latency>('p50Ms', 'p50', (r) => r.p50Ms, ms),
          numCol<Latency>('p95Ms', 'p95', (r) => r.p95Ms, ms),
          numCol<Latency>('maxMs', 'max', (r) => r.maxMs, ms),
        ]}
        takeaway={(d) => `${fmtInt(d.cacheEntries)} cached results of ${fmtInt(d.cacheCapacity)}; server memory ${fmtBytes(d.rssBytes)}, up ${Math.round(d.uptimeSeconds / 60)} min.`}
      />
    </div>
  );
}
