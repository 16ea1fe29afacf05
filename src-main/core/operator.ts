import os from 'node:os';
import type { OperatorIdentity } from './host';

/** Who is at the keyboard, as the OS says: used by every host for the audit log. */
export function currentOperator(): OperatorIdentity {
  let osUser: string;
  try {
    osUser = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to what the shell says.
    osUser = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return { osUser, hostName: os.hostname() };
}
