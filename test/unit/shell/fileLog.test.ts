import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_DIR, LOG_FILE, LOG_ROTATE_BYTES, openFileLog } from '../../../src-main/shell/fileLog';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-log-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openFileLog', () => {
  it('writes JSON lines to <userData>/logs/sluice.log with secrets redacted', async () => {
    const log = openFileLog(dir);
    log.logger.info('connecting', { url: 'redis://ops:s3cr3t-pw@10.0.0.1:6379/0' });
    log.logger.debug('below the level');
    await log.close();
    expect(log.file).toBe(path.join(dir, LOG_DIR, LOG_FILE));
    const lines = fs.readFileSync(log.file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as { message: string; url: string };
    expect(entry.message).toBe('connecting');
    expect(entry.url).toBe('redis://ops:********@10.0.0.1:6379/0');
    expect(fs.readFileSync(log.file, 'utf8')).not.toContain('s3cr3t');
  });

  it('is readable only by the user', async () => {
    const log = openFileLog(dir);
    log.logger.warn('x');
    await log.close();
    expect(fs.statSync(log.file).mode & 0o077).toBe(0);
  });

  it('appends across runs and rotates a log past its size limit at start-up', async () => {
    const first = openFileLog(dir);
    first.logger.info('run one');
    await first.close();
    const second = openFileLog(dir);
    second.logger.info('run two');
    await second.close();
    expect(fs.readFileSync(second.file, 'utf8')).toMatch(/run one[\s\S]*run two/);

    fs.appendFileSync(second.file, 'x'.repeat(LOG_ROTATE_BYTES));
    const third = openFileLog(dir);
    third.logger.info('run three');
    await third.close();
    expect(fs.readFileSync(`${third.file}.1`, 'utf8')).toContain('run two');
    expect(fs.readFileSync(third.file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
