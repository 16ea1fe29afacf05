import { useEffect, useRef } from 'react';

/**
 * Opens a <dialog> as a modal when it mounts and closes it when it unmounts:
 * the browser then gives focus trapping, Esc to cancel and the backdrop.
 */
export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
