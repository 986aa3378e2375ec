'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTRPC } from '@/components/trpc/client';
import { fmtUsdCompact } from '@/components/ui/format';
import { Popover } from './popover';
import { addDays, isIsoDate, toggleValue, type Filters } from './url-state';
import { useView } from './use-view';

export interface FilterOptions {
  minDate: string;
  maxDate: string;
  categories: { l1: string; l2: string[] }[];
  /** The top brands ranked by revenue, best first (the rest through brand search). */
  brands: { brand: string; revenue: number }[];
  brandCount: number;
}

type Preset = 'all' | 'last7' | 'custom';

function presetOf(filters: Filters, options: FilterOptions): Preset {
  if (!filters.from && !filters.to) return 'all';
  if (filters.to === options.maxDate && filters.from === addDays(options.maxDate, -6)) return 'last7';
  return 'custom';
}

/** The controls: date range with presets, categories, brands (searchable), compare. */
export function FilterControls({ options }: { options: FilterOptions }) {
  const { view, filters, update } = useView();
  const preset = presetOf(filters, options);
  const [brandQuery, setBrandQuery] = useState('');
  const trpc = useTRPC();
  const q = brandQuery.trim().toLowerCase();
  // The first 100 brands come with the filter options; the long tail is searched on the server.
  const search = useQuery({ ...trpc.meta.brandSearch.queryOptions({ q, limit: 40, asOf: filters.asOf }), enabled: q.length > 0 });
  const brandMatches = useMemo(() => {
    const selected = new Set(filters.brands ?? []);
    const source = q ? (search.data ?? options.brands.filter((b) => b.brand.includes(q))) : options.brands;
    const matches = source.filter((b) => !selected.has(b.brand)).slice(0, 40);
    const pinned = [...selected].map((brand) => ({ brand, revenue: options.brands.find((b) => b.brand === brand)?.revenue ?? null }));
    return [...pinned, ...matches];
  }, [q, search.data, options.brands, filters.brands]);
  const matchNote = q ? (search.isFetching ? 'Searching…' : `${search.data?.length ?? 0}${(search.data?.length ?? 0) >= 40 ? '+' : ''} matching brands`) : `Top ${Math.min(40, options.brands.length)} of ${options.brandCount} brands by revenue — type to search all`;

  const setDate = (key: 'from' | 'to', value: string) => {
    if (value === '' || isIsoDate(value)) update({ [key]: value || undefined });
  };

  return (
    <div className="flex flex-col gap-3 md:flex-row md:flex-wrap md:items-end">
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
        Period
        <select
          className="field"
          value={preset}
          data-testid="date-preset"
          onChange={(e) => {
            const next = e.target.value as Preset;
            if (next === 'all') update({ from: undefined, to: undefined });
            else if (next === 'last7') update({ from: addDays(options.maxDate, -6), to: options.maxDate });
            else update({ from: filters.from ?? options.minDate, to: filters.to ?? options.maxDate });
          }}
        >
          <option value="all">Whole period</option>
          <option value="last7">Last 7 days of data</option>
          <option value="custom">Custom range</option>
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
        From
        <input type="date" className="field" data-testid="date-from" min={options.minDate} max={filters.to ?? options.maxDate} value={filters.from ?? options.minDate} onChange={(e) => setDate('from', e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
        To
        <input type="date" className="field" data-testid="date-to" min={filters.from ?? options.minDate} max={options.maxDate} value={filters.to ?? options.maxDate} onChange={(e) => setDate('to', e.target.value)} />
      </label>
      <div className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
        <span>Categories</span>
        <Popover label={filters.categories?.length ? `${filters.categories.length} selected` : 'All categories'} badge={filters.categories?.length} testId="category-select">
          {() => <CategoryPicker options={options} />}
        </Popover>
      </div>
      <div className="flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400">
        <span>Brands</span>
        <Popover label={filters.brands?.length ? `${filters.brands.length} selected` : 'All brands'} badge={filters.brands?.length} testId="brand-select">
          {() => (
            <div>
              <input type="search" className="field mb-2 w-full" placeholder={`Search ${options.brandCount} brands`} aria-label="Search brands" data-testid="brand-search" value={brandQuery} onChange={(e) => setBrandQuery(e.target.value)} />
              <fieldset className="max-h-64 overflow-y-auto">
                <legend className="sr-only">Brands ranked by revenue</legend>
                {brandMatches.map((b) => (
                  <label key={b.brand} className="flex cursor-pointer items-center justify-between gap-2 rounded px-1 py-1 text-sm font-normal text-slate-800 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800">
                    <span className="flex items-center gap-2">
                      <input type="checkbox" checked={filters.brands?.includes(b.brand) ?? false} onChange={() => update({ brands: toggleValue(filters.brands, b.brand) })} />
                      {b.brand}
                    </span>
                    <span className="text-xs tabular-nums text-slate-500">{b.revenue === null ? '' : fmtUsdCompact(b.revenue)}</span>
                  </label>
                ))}
              </fieldset>
              <p className="mt-1 text-xs font-normal text-slate-500">{matchNote}</p>
            </div>
          )}
        </Popover>
      </div>
      <label className="flex items-center gap-2 self-start text-sm md:self-end md:pb-1.5">
        <input type="checkbox" data-testid="compare-toggle" checked={view.compare} onChange={(e) => update({}, e.target.checked)} />
        Compare to previous period
      </label>
    </div>
  );
}

/**
 * Top-level categories (l1) with their subcategories (l2) as a drill-down. The API filters on
 * category_l1 (DESIGN section 7), so picking a subcategory selects its top-level category; the
 * Products treemap breaks that down to l2 and l3.
 */
function CategoryPicker({ options }: { options: FilterOptions }) {
  const { filters, update } = useView();
  const [open, setOpen] = useState<string | null>(null);
  const selected = new Set(filters.categories ?? []);
  return (
    <div>
      <fieldset className="max-h-72 overflow-y-auto">
        <legend className="sr-only">Categories (top level, with their subcategories)</legend>
        {options.categories.map((c) => (
          <div key={c.l1} className="rounded px-1 py-0.5 hover:bg-slate-50 dark:hover:bg-slate-800/60">
            <div className="flex items-center gap-2">
              <label className="flex flex-1 cursor-pointer items-center gap-2 py-0.5 text-sm font-normal text-slate-800 dark:text-slate-200">
                <input type="checkbox" checked={selected.has(c.l1)} onChange={() => update({ categories: toggleValue(filters.categories, c.l1) })} />
                {c.l1}
              </label>
              {c.l2.length ? (
                <button
                  type="button"
                  className="rounded px-1 text-xs font-normal text-slate-500 hover:text-slate-900 dark:hover:text-white"
                  aria-expanded={open === c.l1}
                  aria-label={`${open === c.l1 ? 'Hide' : 'Show'} the ${c.l2.length} subcategories of ${c.l1}`}
                  data-testid="category-drill"
                  onClick={() => setOpen(open === c.l1 ? null : c.l1)}
                >
                  {c.l2.length} sub <span aria-hidden>{open === c.l1 ? '▾' : '▸'}</span>
                </button>
              ) : null}
            </div>
            {open === c.l1 ? (
              <ul className="mb-1 ml-6 flex flex-wrap gap-1" aria-label={`Subcategories of ${c.l1}`}>
                {c.l2.map((l2) => (
                  <li key={l2}>
                    <button
                      type="button"
                      data-testid="category-l2"
                      aria-pressed={selected.has(c.l1)}
                      title={`Filters by ${c.l1} (the API filters on top-level categories)`}
                      className={`rounded-full border px-2 py-0.5 text-xs font-normal ${selected.has(c.l1) ? 'border-brand-500 bg-brand-50 text-brand-700 dark:bg-brand-700/30 dark:text-blue-200' : 'border-slate-300 text-slate-700 hover:border-brand-500 dark:border-slate-600 dark:text-slate-300'}`}
                      onClick={() => {
                        if (!selected.has(c.l1)) update({ categories: toggleValue(filters.categories, c.l1) });
                      }}
                    >
                      {l2}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ))}
      </fieldset>
      <p className="mt-1 text-xs font-normal text-slate-500">A subcategory filters by its top-level category (filters apply to category level 1); the Products treemap breaks it down to levels 2 and 3.</p>
    </div>
  );
}

/** Active category/brand filters as removable chips. */
export function FilterChips() {
  const { filters, update } = useView();
  const chips = [...(filters.categories ?? []).map((v) => ({ kind: 'categories' as const, label: 'Category', v })), ...(filters.brands ?? []).map((v) => ({ kind: 'brands' as const, label: 'Brand', v }))];
  if (!chips.length) return null;
  return (
    <ul aria-label="Active filters" className="flex flex-wrap items-center gap-2" data-testid="filter-chips">
      {chips.map((c) => (
        <li key={`${c.kind}:${c.v}`}>
          <button
            type="button"
            data-testid="filter-chip"
            aria-label={`Remove ${c.label.toLowerCase()} filter ${c.v}`}
            onClick={() => update({ [c.kind]: (filters[c.kind] ?? []).filter((x) => x !== c.v) })}
            className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-3 py-1 text-xs font-medium text-brand-700 ring-1 ring-brand-500/30 hover:bg-brand-500 hover:text-white dark:bg-brand-700/30 dark:text-blue-200"
          >
            <span className="text-slate-500 dark:text-slate-400">{c.label}:</span> {c.v} <span aria-hidden>✕</span>
          </button>
        </li>
      ))}
      <li>
        <button type="button" className="text-xs text-slate-600 underline hover:text-slate-900 dark:text-slate-400" onClick={() => update({ categories: undefined, brands: undefined })}>
          Clear all
        </button>
      </li>
    </ul>
  );
}

/** Inline on wide screens; behind a "Filters" button in a drawer on phones. */
export function FilterBar({ options }: { options: FilterOptions }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  const { filters } = useView();
  const count = (filters.categories?.length ?? 0) + (filters.brands?.length ?? 0) + (filters.from || filters.to ? 1 : 0);
  useEffect(() => {
    // Closing the drawer returns focus to the button that opened it.
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <div className="space-y-2" data-testid="filter-bar">
      <div className="card hidden md:block">
        <FilterControls options={options} />
      </div>
      <div className="md:hidden">
        <button ref={opener} type="button" className="field inline-flex items-center gap-2" aria-expanded={open} aria-controls="filter-drawer" data-testid="open-filters" onClick={() => setOpen(true)}>
          Filters{count ? <span className="rounded-full bg-brand-600 px-1.5 text-xs text-white">{count}</span> : null}
        </button>
        {open ? (
          <div className="fixed inset-0 z-40 flex">
            <button type="button" aria-label="Close filters" className="flex-1 bg-slate-900/50" onClick={() => setOpen(false)} />
            <div id="filter-drawer" role="dialog" aria-modal="true" aria-label="Filters" className="h-full w-[85%] max-w-sm overflow-y-auto bg-white p-4 shadow-xl dark:bg-slate-900">
              <div className="mb-3 flex items-center justify-between">
                <h2 className="font-semibold">Filters</h2>
                {/* Focus moves into the drawer when it opens; Escape or Done closes it. */}
                <button type="button" className="btn" autoFocus onClick={() => setOpen(false)}>
                  Done
                </button>
              </div>
              <FilterControls options={options} />
            </div>
          </div>
        ) : null}
      </div>
      <FilterChips />
    </div>
  );
}
