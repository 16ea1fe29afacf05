/**
 * Every query key of the renderer, in one place, so invalidation after an
 * event or a mutation names exactly what it refreshes.
 */
export const queryKeys = {
  appInfo: ['app', 'info'] as const,
  settings: ['settings'] as const,
  secretStorageStatus: ['secrets', 'status'] as const,
  environments: {
    all: ['environments'] as const,
    list: ['environments', 'list'] as const,
    detail: (id: string) => ['environments', 'detail', id] as const,
  },
};
