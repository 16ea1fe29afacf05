import { useCallback, useSyncExternalStore } from 'react';
import { hashFor, pageFromHash, type PageId } from './routes';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/**
 * Routing by location.hash: the page URL itself never changes, which keeps
 * file:// in Electron and /t/<token>/ in browser mode working alike.
 */
export function useHashRoute(): [PageId, (page: PageId) => void] {
  const page = useSyncExternalStore(subscribe, () => pageFromHash(window.location.hash));
  const navigate = useCallback((next: PageId) => {
    window.location.hash = hashFor(next);
  }, []);
  return [page, navigate];
}
