'use client';

import { createContext, createElement, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { THEME_COOKIE, THEME_COOKIE_ATTRIBUTES, THEME_STORAGE_KEY } from './theme-script';

/**
 * Theme = the user's preference (system, light, dark) resolved to a class on <html>. The inline
 * script in the root layout applies it before first paint (no flash); afterwards <html> is the single
 * source of truth, observed here so charts re-theme when it changes.
 */
export type ThemePreference = 'system' | 'light' | 'dark';

function subscribe(callback: () => void): () => void {
  const observer = new MutationObserver(callback);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme-pref'] });
  const media = matchMedia('(prefers-color-scheme: dark)');
  const onMedia = () => {
    if ((document.documentElement.dataset.themePref ?? 'system') === 'system') applyTheme('system');
  };
  media.addEventListener('change', onMedia);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onMedia);
  };
}

function snapshot(): string {
  const el = document.documentElement;
  return `${el.classList.contains('dark') ? 'dark' : 'light'}:${el.dataset.themePref ?? 'system'}`;
}

export function applyTheme(preference: ThemePreference): void {
  const dark = preference === 'dark' || (preference === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  const el = document.documentElement;
  el.classList.toggle('dark', dark);
  el.dataset.themePref = preference;
  document.cookie = `${THEME_COOKIE}=${dark ? 'dark' : 'light'}${THEME_COOKIE_ATTRIBUTES}`;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/**
 * The theme the server renders in: the one this browser last resolved (the theme cookie), light when
 * unknown. Server render and hydration both use it, so they agree; the real theme follows.
 */
const ServerTheme = createContext<'light' | 'dark'>('light');

export function ThemeProvider({ initial, children }: { initial: 'light' | 'dark'; children: ReactNode }) {
  return createElement(ServerTheme.Provider, { value: initial }, children);
}

export function useTheme(): { resolved: 'light' | 'dark'; preference: ThemePreference } {
  const initial = useContext(ServerTheme);
  const value = useSyncExternalStore(subscribe, snapshot, () => `${initial}:system`);
  const [resolved, preference] = value.split(':') as ['light' | 'dark', ThemePreference];
  return { resolved, preference };
}
