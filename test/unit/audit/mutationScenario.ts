import type { ErrorCode } from '@shared/contract';
import type { TestCore } from './coreHarness';

/** A call prepared against a live core: `prepare` may make earlier calls (they are audited too). */
export interface PreparedCall {
  input: unknown;
  /** Undone after the call (for example a file put in the way). */
  restore?: () => void;
}

export interface MutationScenario {
  /** An input the channel accepts, for driving the dispatcher with stand-in handlers. */
  sample: unknown;
  success(t: TestCore): Promise<PreparedCall>;
  /** A real failure of the handler (or of its input) and the code it fails with. */
  failure(t: TestCore): Promise<PreparedCall & { code: ErrorCode }>;
  /** A real denial, when the channel has one today; otherwise the dispatcher test drives one. */
  denial?(t: TestCore): Promise<PreparedCall>;
}
