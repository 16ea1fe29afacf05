import type { Settings } from '@shared/contract';
import type { Db } from '../store/database';

const DEFAULTS: Settings = { displayName: '', theme: 'system' };

/** Operator settings as key/value rows holding JSON. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[];
    const stored = Object.fromEntries(
      rows.map((row) => [row.key, JSON.parse(row.value) as unknown]),
    );
    return {
      displayName:
        typeof stored.displayName === 'string' ? stored.displayName : DEFAULTS.displayName,
      theme:
        stored.theme === 'light' || stored.theme === 'dark' || stored.theme === 'system'
          ? stored.theme
          : DEFAULTS.theme,
    };
  }

  update(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value));
      }
    })();
    return this.get();
  }
}
