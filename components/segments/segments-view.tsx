'use client';

import { barOption, donutOption, heatmapOption } from '@/components/charts/breakdown';
import { Chart } from '@/components/charts/chart';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { numCol, textCol } from '@/components/ui/csv';
import { emptyBecause } from '@/components/ui/empty';
import { fmtInt, fmtPct, fmtUsd } from '@/components/ui/format';

type Rfm = Outputs['segments']['rfm']['segments'][number];
type Behaviour = Outputs['segments']['behaviour']['segments'][number];
type Bucket = Outputs['segments']['sessionsPerUser'][number];
type LengthBucket = Outputs['segments']['sessionLength']['byEvents'][number];
type Cohort = Outputs['segments']['cohorts']['cohorts'][number];
interface NvR {
  kind: string;
  users: number;
  revenue: number;
}
interface CohortCell {
  cohortWeek: string;
  users: number;
  weekOffset: number;
  rate: number;
}

const PERIOD_NOTE = 'Whole loaded period (segments are defined per user over all the data, not per filter)';

export function SegmentsView() {
  const trpc = useTRPC();
  const { filters } = useView();
  const rfm = usePageQuery(trpc.segments.rfm.queryOptions(filters));
  const nvr = usePageQuery(trpc.segments.newVsReturning.queryOptions(filters));
  const spu = usePageQuery(trpc.segments.sessionsPerUser.queryOptions(filters));
  const length = usePageQuery(trpc.segments.sessionLength.queryOptions(filters));
  const cohorts = usePageQuery(trpc.segments.cohorts.queryOptions(filters));
  const behaviour = usePageQuery(trpc.segments.behaviour.queryOptions(filters));
  const lengthColumns = (label: string) => [textCol<LengthBucket>('bucket', label, (r) => r.bucket), numCol<LengthBucket>('sessions', 'Sessions', (r) => r.sessions, fmtInt), numCol<LengthBucket>('convertedSessions', 'With a purchase', (r) => r.convertedSessions, fmtInt)];

  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          title="RFM segments"
          subtitle={`Users per recency–frequency–monetary segment. ${PERIOD_NOTE}`}
          query={rfm}
          testId="chart-rfm"
          height={320}
          emptyMessage="No users in the loaded data yet — run the pipeline."
          rows={(d) => d.segments}
          columns={[
            textCol<Rfm>('segment', 'Segment', (r) => r.segment),
            numCol<Rfm>('users', 'Users', (r) => r.users, fmtInt),
            numCol<Rfm>('share', 'Share of users', (r) => r.share, fmtPct),
            numCol<Rfm>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd),
            numCol<Rfm>('avgOrders', 'Orders per user', (r) => r.avgOrders, (v) => (v === null ? '—' : v.toFixed(2))),
            numCol<Rfm>('avgRecencyDays', 'Days since last order', (r) => r.avgRecencyDays, (v) => (v === null ? '—' : v.toFixed(1))),
          ]}
          takeaway={(d) => {
            const buyers = d.segments.filter((s) => s.revenue > 0);
            const best = buyers.reduce<Rfm | null>((a, b) => (!a || b.revenue > a.revenue ? b : a), null);
            return best ? `${best.segment} (${fmtPct(best.share, 1)} of users) bring the most revenue: ${fmtUsd(best.revenue)}.` : null;
          }}
        >
          {(_, shown) => <Chart height={320} span="twoThirds" label="Users per RFM segment" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.segment, value: r.users, note: `${fmtPct(r.share)} of users · ${fmtUsd(r.revenue)} revenue` })), unit: 'count', seriesName: 'Users', horizontal: true }, theme)} />}
        </Card>
        <Card
          title="Browsers, carters, buyers"
          subtitle={`Users by the furthest step they reached. ${PERIOD_NOTE}`}
          query={behaviour}
          testId="chart-behaviour"
          height={320}
          emptyMessage="No users in the loaded data yet — run the pipeline."
          rows={(d) => d.segments}
          columns={[textCol<Behaviour>('segment', 'Segment', (r) => r.segment), numCol<Behaviour>('users', 'Users', (r) => r.users, fmtInt), numCol<Behaviour>('share', 'Share', (r) => r.share, fmtPct), numCol<Behaviour>('sessions', 'Sessions', (r) => r.sessions, fmtInt), numCol<Behaviour>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd)]}
          takeaway={(d) => {
            const b = d.segments.find((s) => s.segment === 'buyer');
            return b ? `${fmtPct(b.share, 1)} of users bought something.` : null;
          }}
        >
          {(_, shown) => <Chart height={320} span="third" label="Users by behaviour segment" build={(theme) => donutOption(shown.rows.map((r) => ({ name: r.segment, value: r.users })), 'count', 'Users', theme)} />}
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="New vs returning users"
          subtitle="Users active in the range: first seen inside it, or before"
          query={nvr}
          testId="chart-new-returning"
          height={280}
          emptyMessage={emptyBecause(filters, 'active users')}
          rows={(d): NvR[] => (d.newUsers + d.returningUsers > 0 ? [{ kind: 'New', users: d.newUsers, revenue: d.newRevenue }, { kind: 'Returning', users: d.returningUsers, revenue: d.returningRevenue }] : [])}
          columns={[textCol<NvR>('kind', 'Users', (r) => r.kind), numCol<NvR>('users', 'Count', (r) => r.users, fmtInt), numCol<NvR>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd)]}
          takeaway={(d) => `${fmtPct(d.newShare, 0)} of active users are new in this range.`}
        >
          {(_, shown) => <Chart height={280} span="third" label="New versus returning users" build={(theme) => donutOption(shown.rows.map((r) => ({ name: r.kind, value: r.users })), 'count', 'Users', theme)} />}
        </Card>
        <Card
          title="Sessions per user"
          subtitle="Users by number of sessions in the range"
          query={spu}
          testId="chart-sessions-per-user"
          height={280}
          emptyMessage={emptyBecause(filters, 'sessions')}
          rows={(d) => (d.some((r) => r.users > 0) ? d : [])}
          columns={[textCol<Bucket>('bucket', 'Sessions', (r) => r.bucket), numCol<Bucket>('users', 'Users', (r) => r.users, fmtInt), numCol<Bucket>('share', 'Share', (r) => r.share, fmtPct)]}
          takeaway={(d) => (d[0] ? `${fmtPct(d[0].share, 0)} of users had ${d[0].bucket} session${d[0].bucket === '1' ? '' : 's'}.` : null)}
        >
          {(_, shown) => <Chart height={280} span="third" label="Users by sessions per user" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.bucket, value: r.users, note: `${fmtPct(r.share)} of users` })), unit: 'count', seriesName: 'Users' }, theme)} />}
        </Card>
        <Card
          title="Session length"
          subtitle="Sessions by number of events"
          query={length}
          testId="chart-session-length"
          height={280}
          emptyMessage={emptyBecause(filters, 'sessions')}
          rows={(d) => (d.byEvents.some((r) => r.sessions > 0) ? d.byEvents : [])}
          columns={lengthColumns('Events per session')}
          takeaway={(d) => (d.botLikeSessions ? `${fmtInt(d.botLikeSessions)} session${d.botLikeSessions === 1 ? '' : 's'} look${d.botLikeSessions === 1 ? 's' : ''} automated (bot-like).` : null)}
        >
          {(_, shown) => <Chart height={280} span="third" label="Sessions by number of events" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.bucket, value: r.sessions, note: `${fmtInt(r.convertedSessions)} with a purchase` })), unit: 'count', seriesName: 'Sessions' }, theme)} />}
        </Card>
      </div>

      <Card
        title="Weekly cohort retention"
        subtitle={`Share of each cohort (week of first visit, Monday start) active again N weeks later. ${PERIOD_NOTE}`}
        query={cohorts}
        testId="chart-cohorts"
        height={300}
        emptyMessage="No cohorts in the loaded data yet — run the pipeline."
        rows={(d) => d.cohorts.flatMap((c: Cohort) => c.retention.map((r) => ({ cohortWeek: c.cohortWeek, users: c.users, weekOffset: r.weekOffset, rate: r.rate })))}
        columns={[textCol<CohortCell>('cohortWeek', 'Cohort week', (r) => r.cohortWeek), numCol<CohortCell>('users', 'Cohort users', (r) => r.users, fmtInt), numCol<CohortCell>('weekOffset', 'Weeks later', (r) => r.weekOffset, (v) => String(v)), numCol<CohortCell>('rate', 'Active again', (r) => r.rate, fmtPct)]}
        takeaway={(d) => {
          const w1 = d.cohorts.map((c) => c.retention.find((r) => r.weekOffset === 1)?.rate).filter((v): v is number => v !== undefined);
          return w1.length ? `On average ${fmtPct(w1.reduce((a, b) => a + b, 0) / w1.length, 1)} of a cohort comes back the following week.` : null;
        }}
      >
        {(d) => {
          const weeks = [...new Set(d.cohorts.flatMap((c) => c.retention.map((r) => r.weekOffset)))].sort((a, b) => a - b);
          return (
            <Chart
              height={300}
              span="full"
              label="Cohort retention heatmap"
              build={(theme) =>
                heatmapOption(
                  {
                    rows: d.cohorts.map((c) => `${c.cohortWeek} (${fmtInt(c.users)})`),
                    columns: weeks.map((w) => `week ${w}`),
                    cells: d.cohorts.flatMap((c, row) => c.retention.map((r) => [weeks.indexOf(r.weekOffset), row, r.rate] as [number, number, number])),
                    unit: 'rate',
                    valueName: 'Active again',
                    // Week 0 is 100% by definition: scale the colours on the later weeks.
                    max: Math.max(0.01, ...d.cohorts.flatMap((c) => c.retention.filter((r) => r.weekOffset > 0).map((r) => r.rate))),
                  },
                  theme,
                )
              }
            />
          );
        }}
      </Card>
    </div>
  );
}
