import { MutationCache, QueryClient } from '@tanstack/react-query';
import { SluiceError } from '@shared/contract';
import { pushToast } from '../components/toastStore';

/** Failures that retrying cannot fix. */
const PERMANENT_CODES = new Set([
  'INVALID_INPUT',
  'NOT_FOUND',
  'DENIED',
  'AUTH_FAILED',
  'CONFLICT',
]);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.options.meta?.isHandledInline?.(error)) return;
        const data =
          error instanceof SluiceError
            ? { code: error.code, message: error.message }
            : { code: 'INTERNAL', message: error.message };
        pushToast({ kind: 'error', title: data.code, message: data.message });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failureCount, error) =>
          failureCount < 2 && !(error instanceof SluiceError && PERMANENT_CODES.has(error.code)),
      },
      mutations: { retry: false },
    },
  });
}
