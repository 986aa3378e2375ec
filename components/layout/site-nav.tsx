'use client';

import Link, { useLinkStatus } from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { NAV_ITEMS } from './nav-items';

/** Primary navigation; carries the current query string so filters survive moving between pages. */
export function SiteNav() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  return (
    <nav aria-label="Dashboard pages" className="flex gap-1 overflow-x-auto">
      {NAV_ITEMS.map((item) => {
        const active = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={search ? `${item.href}?${search}` : item.href}
            aria-current={active ? 'page' : undefined}
            title={item.description}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium transition-colors ${
              active
                ? 'bg-brand-600 text-white'
                : 'text-slate-600 hover:bg-slate-200 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white'
            }`}
          >
            {item.label}
            <PendingDot />
          </Link>
        );
      })}
    </nav>
  );
}

/** While the next page renders on the server, the link that was clicked pulses. */
function PendingDot() {
  const { pending } = useLinkStatus();
  return <span aria-hidden data-pending={pending ? 'true' : undefined} className={`ml-1.5 inline-block h-1.5 w-1.5 rounded-full align-middle ${pending ? 'animate-pulse bg-current' : 'bg-transparent'}`} />;
}
