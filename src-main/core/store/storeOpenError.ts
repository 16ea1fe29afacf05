export type StoreOpenFailure = 'corrupt' | 'locked' | 'migration-edited' | 'newer-schema' | 'io';

/**
 * The store could not be opened. Start-up stops and shows `message`; the file
 * is left exactly as it was, never reset or recreated.
 */
export class StoreOpenError extends Error {
  readonly reason: StoreOpenFailure;
  readonly file: string;

  constructor(reason: StoreOpenFailure, file: string, message: string) {
    super(message);
    this.name = 'StoreOpenError';
    this.reason = reason;
    this.file = file;
  }
}
