import type { DeadLetterSourceView } from '@shared/contract';
import type { DeadLetterConnections } from './clients/connections';
import type { EntryIndex } from './index/entryIndex';
import type { KeyedLock } from './lock';
import type { DeadLetterSource } from './source';
import { buildAdapter } from './sources/kinds';

export interface SourceRegistryDeps {
  connections: DeadLetterConnections;
  index: EntryIndex;
  lock: KeyedLock;
  onIndexProgress(
    sourceId: string,
    state: 'fresh' | 'syncing' | 'stale' | 'down' | 'live',
    done: number,
    total: number | null,
  ): void;
}

/** One adapter per source configuration, rebuilt when the configuration changes. */
export class SourceRegistry {
  private readonly adapters = new Map<string, { version: string; source: DeadLetterSource }>();

  constructor(private readonly deps: SourceRegistryDeps) {}

  adapterFor(view: DeadLetterSourceView): DeadLetterSource {
    const version = `${view.updatedAt}|${JSON.stringify(view.settings)}`;
    const cached = this.adapters.get(view.id);
    if (cached && cached.version === version) return cached.source;
    const source = this.build(view);
    this.adapters.set(view.id, { version, source });
    return source;
  }

  all(): DeadLetterSource[] {
    return [...this.adapters.values()].map((entry) => entry.source);
  }

  forget(sourceId: string): void {
    this.adapters.delete(sourceId);
  }

  private build(view: DeadLetterSourceView): DeadLetterSource {
    const { connections, index, lock } = this.deps;
    return buildAdapter(view, {
      connections,
      indexed: {
        sourceId: view.id,
        index,
        lock,
        onIndexProgress: (state, done, total) =>
          this.deps.onIndexProgress(view.id, state, done, total),
      },
    });
  }
}
