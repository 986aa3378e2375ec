'use client';

import { applyTheme, useTheme, type ThemePreference } from './theme';

const OPTIONS: { value: ThemePreference; label: string; icon: string }[] = [
  { value: 'system', label: 'System theme', icon: '◐' },
  { value: 'light', label: 'Light theme', icon: '☀' },
  { value: 'dark', label: 'Dark theme', icon: '☾' },
];

export function ThemeToggle() {
  const { preference } = useTheme();
  return (
    <div role="group" aria-label="Colour theme" className="inline-flex rounded-md border border-slate-300 p-0.5 dark:border-slate-700">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={preference === o.value}
          aria-label={o.label}
          title={o.label}
          data-testid={`theme-${o.value}`}
          onClick={() => applyTheme(o.value)}
          className={`rounded px-2 py-1 text-sm leading-none ${preference === o.value ? 'bg-slate-200 dark:bg-slate-700' : 'text-slate-500 hover:text-slate-900 dark:hover:text-white'}`}
        >
          <span aria-hidden>{o.icon}</span>
        </button>
      ))}
    </div>
  );
}
