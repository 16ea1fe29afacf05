import { useEffect, useSyncExternalStore } from 'react';
import type { Settings } from '@shared/contract';
import { useSettings } from '../queries/app';
import { readStored, writeStored } from './storage';

type ThemeChoice = Settings['theme'];

/** The last applied choice, so the next start paints in the right theme before settings load. */
const STORAGE_KEY = 'sluice.theme';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

function subscribeSystemTheme(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function storedChoice(): ThemeChoice {
  const stored = readStored(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Sets data-theme on <html> from the operator's setting and, for "system", the OS preference. */
export function useAppliedTheme(): void {
  const { data: settings } = useSettings();
  const systemDark = useSyncExternalStore(subscribeSystemTheme, () => darkQuery().matches);
  const choice = settings?.theme ?? storedChoice();
  const resolved = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;

  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    if (settings) writeStored(STORAGE_KEY, settings.theme);
  }, [resolved, settings]);
}

export function nextTheme(current: ThemeChoice): ThemeChoice {
  return current === 'system' ? 'light' : current === 'light' ? 'dark' : 'system';
}
