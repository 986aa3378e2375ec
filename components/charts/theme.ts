/** Chart colours for light and dark backgrounds (Tailwind 600 / 400 steps, distinguishable in both). */
export interface ChartTheme {
  mode: 'light' | 'dark';
  palette: string[];
  text: string;
  muted: string;
  grid: string;
  background: string;
  annotation: string;
  incomplete: string;
  heat: [string, string];
}

export const LIGHT: ChartTheme = {
  mode: 'light',
  palette: ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'],
  text: '#0f172a',
  muted: '#64748b',
  grid: '#e2e8f0',
  background: '#ffffff',
  annotation: '#7c3aed',
  incomplete: 'rgba(217, 119, 6, 0.12)',
  heat: ['#eff6ff', '#1d4ed8'],
};

export const DARK: ChartTheme = {
  mode: 'dark',
  palette: ['#60a5fa', '#fbbf24', '#34d399', '#f87171', '#a78bfa', '#22d3ee', '#f472b6', '#a3e635', '#cbd5e1', '#fb923c'],
  text: '#e2e8f0',
  muted: '#94a3b8',
  grid: '#334155',
  background: '#0f172a',
  annotation: '#c4b5fd',
  incomplete: 'rgba(251, 191, 36, 0.14)',
  heat: ['#172554', '#60a5fa'],
};
