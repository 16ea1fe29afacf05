import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronSqliteBinding } from '../../../src-main/shell/nativeBinding';

describe('findElectronSqliteBinding', () => {
  const appRoot = '/opt/sluice';
  const resources = '/opt/sluice/resources-dir';

  it('finds the build made by npm run rebuild:electron', () => {
    const wanted = path.join(appRoot, 'native', 'electron', 'better_sqlite3.node');
    expect(findElectronSqliteBinding([appRoot, resources], (file) => file === wanted)).toBe(wanted);
  });

  it('prefers resources/native/electron, then native/electron, app root before resources path', () => {
    const present = new Set([
      path.join(appRoot, 'native', 'electron', 'better_sqlite3.node'),
      path.join(appRoot, 'resources', 'native', 'electron', 'better_sqlite3.node'),
      path.join(resources, 'native', 'electron', 'better_sqlite3.node'),
    ]);
    expect(findElectronSqliteBinding([appRoot, resources], (file) => present.has(file))).toBe(
      path.join(appRoot, 'resources', 'native', 'electron', 'better_sqlite3.node'),
    );
  });

  it('looks under the packaged resources path too', () => {
    const wanted = path.join(resources, 'native', 'electron', 'better_sqlite3.node');
    expect(findElectronSqliteBinding([appRoot, resources], (file) => file === wanted)).toBe(wanted);
  });

  it('returns undefined when there is no Electron build (the Node build in node_modules cannot load)', () => {
    expect(findElectronSqliteBinding([appRoot, undefined], () => false)).toBeUndefined();
  });
});
