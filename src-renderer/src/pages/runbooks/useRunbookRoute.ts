import { useCallback, useSyncExternalStore } from 'react';
import { runbookHash, runbookIdFromHash } from '../../components/runbooks/runbookLinks';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/**
 * The selected runbook lives in the hash ("#/runbooks/<id>"), so links from a
 * dead letter or an alert open it and the back button walks the selection.
 */
export function useRunbookRoute(): [string | null, (id: string | null) => void] {
  const id = useSyncExternalStore(subscribe, () => runbookIdFromHash(window.location.hash));
  const select = useCallback((next: string | null) => {
    window.location.hash = runbookHash(next);
  }, []);
  return [id, select];
}
