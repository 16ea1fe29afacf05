import type { IpcMainInvokeEvent } from 'electron';
import { isTrustedFrame, type AppPage } from './appPage';

/**
 * The sender check registerIpc runs before every call: the message must come
 * from the top frame of the app's own page (senderFrame non-null, its URL
 * the built index.html or the dev-server origin).
 */
export function createSenderCheck(
  page: AppPage,
): (event: Pick<IpcMainInvokeEvent, 'senderFrame'>) => boolean {
  return (event) => isTrustedFrame(event.senderFrame, page);
}
