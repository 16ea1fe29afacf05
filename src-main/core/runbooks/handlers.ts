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
    'runbooks.save': async ({ runbook }) => runbooks.save(runbook),
    'runbooks.remove': async ({ id }) => {
      runbooks.remove(id);
      return { removed: true as const };
    },
    'runbooks.match': async (context) => runbooks.match(context),
    'runbooks.export': async ({ directory }) => runbooks.exportDirectory(directory),
    'runbooks.import': async ({ directory }) => runbooks.importDirectory(directory),
  };
}
