import type { Filters } from '@/components/filters/url-state';

/** "No purchases for brand X in this range — widen the dates or remove a filter." */
export function emptyBecause(filters: Filters, what: string): string {
  const scope = [filters.categories?.length ? `category ${filters.categories.join(', ')}` : null, filters.brands?.length ? `brand ${filters.brands.join(', ')}` : null].filter(Boolean).join(' and ');
  const range = filters.from || filters.to ? ` between ${filters.from ?? 'the start'} and ${filters.to ?? 'the end'}` : ' in the loaded data';
  return `No ${what}${scope ? ` for ${scope}` : ''}${range} — widen the dates or remove a filter.`;
}
