'use client';

import { useEffect, useId, useRef, useState } from 'react';

/** A button that opens a panel; closes on Escape (focus returns to the button) and outside click. */
export function Popover({ label, badge, children, testId }: { label: string; badge?: number; children: (close: () => void) => React.ReactNode; testId?: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div ref={ref} className="relative">
      <button ref={buttonRef} type="button" aria-expanded={open} aria-controls={id} data-testid={testId} onClick={() => setOpen(!open)} className="field inline-flex w-full items-center justify-between gap-2 md:w-auto">
        <span>{label}</span>
        {badge ? <span className="rounded-full bg-brand-600 px-1.5 text-xs text-white">{badge}</span> : null}
        <span aria-hidden className="text-xs text-slate-400">
          ▾
        </span>
      </button>
      {open ? (
        <div id={id} className="z-30 mt-1 w-full rounded-md border border-slate-200 bg-white p-2 shadow-lg md:absolute md:w-72 dark:border-slate-700 dark:bg-slate-900">
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}
