import { describe, expect, it } from 'vitest';
import { redactText } from '@shared/log/redact';
import { createLogger } from '@shared/log/logger';

describe('redactText', () => {
  it('masks passwords in connection URLs', () => {
    expect(redactText('redis://:s3cret@127.0.0.1:6379/0')).toBe(
      'redis://:********@127.0.0.1:6379/0',
    );
    expect(redactText('failed postgres://sluice:p%40ss@db:5432/app now')).toBe(
      'failed postgres://sluice:********@db:5432/app now',
    );
  });

  it('masks key=value and JSON secrets', () => {
    expect(redactText('password=abc123 user=x')).toBe('password=******** user=x');
    expect(redactText('{"password":"abc123","user":"x"}')).toBe(
      '{"password":"********","user":"x"}',
    );
  });

  it('leaves URLs without passwords alone', () => {
    expect(redactText('redis://127.0.0.1:6379 and http://user@host/')).toBe(
      'redis://127.0.0.1:6379 and http://user@host/',
    );
  });

  it('is applied to every log line', () => {
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line), 'debug');
    logger.error('connect failed', {
      url: 'redis://:topsecret@host:1',
      error: new Error('postgres://a:b@c/d'),
    });
    expect(lines.join('\n')).not.toContain('topsecret');
    expect(lines.join('\n')).not.toContain(':b@');
  });
});
