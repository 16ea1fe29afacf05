import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { AuditExportFormat, AuditFilter, AuditPage } from '@shared/contract';
import { useApi } from '../api/ApiContext';

/** Records per page: enough to fill a tall screen twice, small enough to arrive at once. */
export const AUDIT_PAGE_SIZE = 200;

/** How often the chain head is polled, to offer records appended since the list was loaded. */
const HEAD_POLL_MS = 5_000;

/**
 * The audit query keys. Everything lives under ['audit'] so one invalidation
 * refreshes the list, the head and the pickers.
 */
export const auditKeys = {
  all: ['audit'] as const,
  /** `from` is the sequence number the list starts below (undefined: the newest). */
  records: (filter: AuditFilter, from: number | undefined) =>
    ['audit', 'records', filter, from ?? 'newest'] as const,
  record: (seq: number) => ['audit', 'record', seq] as const,
  facets: ['audit', 'facets'] as const,
  head: ['audit', 'head'] as const,
};

export interface AuditListPage extends AuditPage {
  /**
   * On the first page of a list that starts at the newest record: the chain
   * head the list was taken at. The list holds nothing newer, so a head beyond
   * it means records were appended since.
   */
  snapshotSeq?: number;
}

/**
 * Pages of records, newest first, fetched on demand with the keyset cursor.
 * A page may be short or even empty and still have a cursor (the core stops
 * searching a large log after a time budget); the list keeps asking while the
 * operator is at its end.
 */
export function useAuditRecords(filter: AuditFilter, from?: number) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: auditKeys.records(filter, from),
    queryFn: async ({ pageParam }): Promise<AuditListPage> => {
      if (pageParam !== undefined) {
        return api.invoke('audit.query', { filter, limit: AUDIT_PAGE_SIZE, cursor: pageParam });
      }
      // Read the head first and list from just above it: the snapshot is exact
      // even while other actions append records.
      const head = await api.invoke('audit.head', {});
      if (head.seq === 0) return { records: [], nextCursor: null, snapshotSeq: 0 };
      const page = await api.invoke('audit.query', {
        filter,
        limit: AUDIT_PAGE_SIZE,
        cursor: head.seq + 1,
      });
      return { ...page, snapshotSeq: head.seq };
    },
    initialPageParam: from as number | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    // The log only grows at the head: loaded pages never go stale. New records
    // are offered through the head poll instead of reshuffling the list.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    // A changed filter keeps the old rows on screen (dimmed) until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** One full record: parameters and before/after. Records never change once written. */
export function useAuditRecord(seq: number | null) {
  const api = useApi();
  return useQuery({
    queryKey: auditKeys.record(seq ?? 0),
    queryFn: () => api.invoke('audit.get', { seq: seq! }),
    enabled: seq !== null,
    staleTime: Infinity,
  });
}

export function useAuditFacets() {
  const api = useApi();
  return useQuery({
    queryKey: auditKeys.facets,
    queryFn: () => api.invoke('audit.facets', {}),
  });
}

export function useAuditHead() {
  const api = useApi();
  return useQuery({
    queryKey: auditKeys.head,
    queryFn: () => api.invoke('audit.head', {}),
    refetchInterval: HEAD_POLL_MS,
    staleTime: 0,
  });
}

/**
 * Verification reads the whole chain, so it runs when the operator asks, not
 * as a cached query; its outcome (including a broken chain) is shown inline.
 */
export function useVerifyAudit() {
  const api = useApi();
  return useMutation({
    mutationFn: () => api.invoke('audit.verify', {}),
    meta: { isHandledInline: () => true },
  });
}

export function useExportAudit() {
  const api = useApi();
  return useMutation({
    mutationFn: (input: { format: AuditExportFormat; filter: AuditFilter }) =>
      api.invoke('audit.export', input),
    meta: { isHandledInline: () => true },
  });
}
