export const pages = [
  { id: 'overview', label: 'Overview' },
  { id: 'queues', label: 'Queues' },
  { id: 'lag', label: 'Lag' },
  { id: 'sync-gaps', label: 'Sync gaps' },
  { id: 'dead-letters', label: 'Dead letters' },
  { id: 'runbooks', label: 'Runbooks' },
  { id: 'audit', label: 'Audit' },
  { id: 'settings', label: 'Settings' },
] as const;

export type PageId = (typeof pages)[number]['id'];

export const DEFAULT_PAGE: PageId = 'overview';

function isPageId(value: string): value is PageId {
  return pages.some((page) => page.id === value);
}

/** "#/lag" -> "lag"; anything unknown falls back to the overview. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isPageId(id) ? id : DEFAULT_PAGE;
}

export function hashFor(page: PageId): string {
  return `#/${page}`;
}

export function pageLabel(page: PageId): string {
  return pages.find((entry) => entry.id === page)?.label ?? page;
}
