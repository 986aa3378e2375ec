/** The six dashboard pages (DESIGN section 5), in navigation order. */
export const NAV_ITEMS = [
  { href: '/', label: 'Executive', description: 'KPIs, revenue and insights' },
  { href: '/funnel', label: 'Funnel', description: 'View → cart → purchase' },
  { href: '/products', label: 'Products', description: 'Products, categories, brands' },
  { href: '/segments', label: 'Segments', description: 'RFM, cohorts, behaviour' },
  { href: '/temporal', label: 'Temporal', description: 'Hours, weekdays, trends' },
  { href: '/technical', label: 'Technical', description: 'Pipeline, quality, Delta' },
] as const;

export type NavHref = (typeof NAV_ITEMS)[number]['href'];
