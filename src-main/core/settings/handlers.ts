import type { Host } from '../host';
import type { HandlersFor } from '../rpc/dispatcher';
import type { EventBus } from '../rpc/eventBus';
import type { SettingsRepository } from './repository';

export function appHandlers(
  host: Host,
  settings: SettingsRepository,
  events: EventBus,
): HandlersFor<'app.info' | 'settings.get' | 'settings.update' | 'secrets.status'> {
  return {
    'app.info': async () => {
      const operator = host.operator();
      return {
        name: 'Sluice',
        version: host.appVersion,
        mode: host.mode,
        platform: process.platform,
        dataDir: host.dataDir,
        operator: { ...operator, displayName: settings.get().displayName },
      };
    },
    'settings.get': async () => settings.get(),
    'settings.update': async (patch, ctx) => {
      ctx.audit.targets(Object.keys(patch).map((key) => ({ type: 'setting', id: key })));
      ctx.audit.before(settings.get());
      const updated = settings.update(patch);
      ctx.audit.after(updated);
      events.emit('settings.changed', { keys: Object.keys(patch) });
      return updated;
    },
    'secrets.status': async () => host.secrets.status(),
  };
}
