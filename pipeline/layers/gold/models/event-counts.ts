/** Counts by event type and purchase revenue: the measures every daily model starts from. */
export function eventCounts(alias = ''): string {
  return [
    `count(*) FILTER (WHERE ${alias}event_type = 'view') AS views`,
    `count(*) FILTER (WHERE ${alias}event_type = 'cart') AS carts`,
    `count(*) FILTER (WHERE ${alias}event_type = 'remove_from_cart') AS removals`,
    `count(*) FILTER (WHERE ${alias}event_type = 'purchase') AS purchases`,
    `coalesce(sum(${alias}price) FILTER (WHERE ${alias}event_type = 'purchase'), 0)::DECIMAL(18, 2) AS revenue`,
  ].join(',\n    ');
}
