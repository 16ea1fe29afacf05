export interface Toast {
  id: number;
  kind: 'error' | 'info';
  /** For errors, the SluiceError code. */
  title: string;
  message: string;
}

type Listener = (toasts: readonly Toast[]) => void;

const TOAST_LIFETIME_MS = 10_000;
const MAX_TOASTS = 5;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function publish(next: readonly Toast[]): void {
  toasts = next;
  for (const listener of listeners) listener(toasts);
}

/**
 * Toasts live outside React so the query client's global error handler can
 * raise them without a component in between.
 */
export function pushToast(toast: Omit<Toast, 'id'>): number {
  const id = nextId++;
  publish([...toasts, { ...toast, id }].slice(-MAX_TOASTS));
  setTimeout(() => dismissToast(id), TOAST_LIFETIME_MS);
  return id;
}

export function dismissToast(id: number): void {
  if (toasts.some((toast) => toast.id === id)) publish(toasts.filter((toast) => toast.id !== id));
}

export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentToasts(): readonly Toast[] {
  return toasts;
}
