import { describe, expect, it } from 'vitest';
import {
  SOCKET_ERROR_CODES,
  isSocketErrorCode,
  socketErrorKind,
} from '../../../src-shared/net/socketErrors';

describe('socket error codes', () => {
  it('names what each code says about the connection', () => {
    expect(socketErrorKind('ENOTFOUND')).toBe('dns');
    expect(socketErrorKind('EAI_AGAIN')).toBe('dns');
    expect(socketErrorKind('ECONNREFUSED')).toBe('refused');
    expect(socketErrorKind('ETIMEDOUT')).toBe('timeout');
    expect(socketErrorKind('ECONNRESET')).toBe('closed');
    expect(socketErrorKind('EPIPE')).toBe('closed');
    expect(socketErrorKind('ECONNABORTED')).toBe('closed');
    expect(socketErrorKind('EHOSTUNREACH')).toBe('unreachable');
    expect(socketErrorKind('ENETDOWN')).toBe('unreachable');
  });

  it('holds every code the classifier, the workbench and the sandbox used to list', () => {
    const before = [
      // connectors/classify.ts
      ...['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'ECONNREFUSED'],
      ...['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'],
      ...['ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN'],
      // deadletters/faults.ts and sandbox/common/errors.ts
      ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'],
      ...['ENOTFOUND', 'EAI_AGAIN'],
    ];
    for (const code of before) expect(isSocketErrorCode(code), code).toBe(true);
  });

  it('lists each code under one meaning only', () => {
    const all = Object.values(SOCKET_ERROR_CODES).flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('knows nothing of other codes, SQLSTATEs or non-strings', () => {
    expect(socketErrorKind('EACCES')).toBeNull();
    expect(socketErrorKind('57P01')).toBeNull();
    expect(socketErrorKind(undefined)).toBeNull();
    expect(isSocketErrorCode(111)).toBe(false);
  });
});
