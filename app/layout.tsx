import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { SiteNav } from '@/components/layout/site-nav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'ClickLake', template: '%s · ClickLake' },
  description: 'Clickstream lakehouse for e-commerce: conversion, products, segments and pipeline health.',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen font-sans">
        <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div className="mx-auto flex max-w-7xl flex-col gap-2 px-4 py-3 md:flex-row md:items-center md:justify-between">
            <Link href="/" className="text-lg font-semibold tracking-tight">
              Click<span className="text-brand-600">Lake</span>
            </Link>
            <Suspense>
              <SiteNav />
            </Suspense>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
