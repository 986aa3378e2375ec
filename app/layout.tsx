import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { Suspense } from 'react';
import { SiteNav } from '@/components/layout/site-nav';
import { ThemeProvider } from '@/components/layout/theme';
import { THEME_COOKIE, THEME_SCRIPT } from '@/components/layout/theme-script';
import { ThemeToggle } from '@/components/layout/theme-toggle';
import { TRPCReactProvider } from '@/components/trpc/client';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'ClickLake', template: '%s · ClickLake' },
  description: 'Clickstream lakehouse for e-commerce: conversion, products, segments and pipeline health.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0f172a' },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme this browser last resolved: the server renders in it (the inline script still decides).
  const theme = (await cookies()).get(THEME_COOKIE)?.value === 'dark' ? 'dark' : 'light';
  return (
    <html lang="en" className={theme === 'dark' ? 'dark' : undefined} suppressHydrationWarning>
      <head>
        {/* Theme before first paint: no flash of the wrong theme. */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">
        <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900">
          Skip to content
        </a>
        <ThemeProvider initial={theme}>
          <TRPCReactProvider>
            <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
              <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
                <Link href="/" className="text-lg font-semibold tracking-tight">
                  Click<span className="text-brand-600 dark:text-blue-400">Lake</span>
                </Link>
                <div className="order-last w-full min-w-0 md:order-none md:w-auto md:flex-1">
                  {/* The nav streams in after the shell: its height is kept, so the header does not grow when it arrives. */}
                  <Suspense fallback={<div aria-hidden className="h-9" />}>
                    <SiteNav />
                  </Suspense>
                </div>
                <div className="ml-auto">
                  <ThemeToggle />
                </div>
              </div>
            </header>
            <main id="content" className="mx-auto max-w-7xl px-4 py-6">
              {children}
            </main>
          </TRPCReactProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}
