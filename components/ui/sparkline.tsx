/** An inline SVG sparkline (no canvas: eight of them per page cost nothing). */
export function sparklinePath(values: (number | null)[], width: number, height: number): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length < 2) return '';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (height - 2 - ((v - min) / span) * (height - 4)).toFixed(1);
    d += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  return d;
}

export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const d = sparklinePath(values, 100, 28);
  if (!d) return <div className="h-7" />;
  return (
    <svg viewBox="0 0 100 28" preserveAspectRatio="none" className="h-7 w-full text-brand-500 dark:text-blue-400" role="img" aria-label={label}>
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
