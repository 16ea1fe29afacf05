import type { HandlersFor } from '../rpc/dispatcher';
import type { RunbookService } from './service';

export function runbookHandlers(
  runbooks: RunbookService,
): HandlersFor<
  | 'runbooks.list'
  | 'runbooks.get'
  | 'runbooks.save'
  | 'runbooks.remove'
  | 'runbooks.match'
  | 'runbooks.export'
  | 'runbooks.import'
> {
  return {
    'runbooks.list': async (filter) => runbooks.list(filter),
    'runbooks.get': async ({ id, version }) => runbooks.get(id, version),
    'runbooks.save': async ({ runbook }, ctx) => {
      if (runbook.id) {
        const before = runbooks.get(runbook.id).runbook;
        ctx.audit.targets([{ type: 'runbook', id: before.id, name: before.title }]);
        ctx.audit.before(before);
      }
      const saved = runbooks.save(runbook);
      if (!runbook.id) ctx.audit.targets([{ type: 'runbook', id: saved.id, name: saved.title }]);
      ctx.audit.after(saved);
      return saved;
    },
    'runbooks.remove': async ({ id }, ctx) => {
      const before = runbooks.get(id).runbook;
      ctx.audit.targets([{ type: 'runbook', id, name: before.title }]);
      ctx.audit.before(before);
      runbooks.remove(id);
      return { removed: true as const };
    },
    'runbooks.match': async (context) => runbooks.match(context),
    'runbooks.export': async ({ directory }, ctx) => {
      const result = runbooks.exportDirectory(directory);
      ctx.audit.targets([{ type: 'folder', id: result.directory }]);
      return result;
    },
    'runbooks.import': async ({ directory }, ctx) => {
      ctx.audit.targets([{ type: 'folder', id: directory }]);
      const counts = runbooks.importDirectory(directory);
      ctx.audit.after(counts);
      return counts;
    },
  };
}
