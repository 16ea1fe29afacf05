// @vitest-environment happy-dom
/**
 * The environment form's save flow: what the contract refuses lands beside
 * the field it concerns (and leaves once that field is edited), and a
 * password is never sent to a store that cannot encrypt it before the
 * operator has said yes, whether the page knew that beforehand or the core
 * said so.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import {
  SluiceError,
  type ChannelParsedInput,
  type EnvironmentView,
  type SecretStorageStatus,
} from '@shared/contract';
import { EnvironmentForm } from '../../../src-renderer/src/pages/settings/EnvironmentForm';
import { emptyForm } from '../../../src-renderer/src/pages/settings/environmentFormModel';
import { environmentView } from './fixtures';
import { fakeCore, pending, renderWithCore, type FakeHandlers } from './render';

const FILE_STORE: SecretStorageStatus = {
  backend: 'file:0600',
  encrypted: false,
  requiresConsent: false,
};
const BASIC_TEXT: SecretStorageStatus = {
  backend: 'electron-safeStorage:basic_text',
  encrypted: false,
  requiresConsent: true,
  warning: 'No keyring: passwords would be stored obfuscated, not encrypted.',
};

/** The view the fake core answers a save with. */
function savedView(input: ChannelParsedInput<'environments.save'>): EnvironmentView {
  return environmentView({ name: input.environment.name, redisUrl: 'redis://:********@h:6379' });
}

function openForm(handlers: FakeHandlers) {
  const onSaved = vi.fn<(saved: EnvironmentView) => void>();
  const core = fakeCore(handlers);
  renderWithCore(
    <EnvironmentForm initial={emptyForm()} onSaved={onSaved} onCancel={() => undefined} />,
    core,
  );
  return { core, onSaved };
}

const type = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('environment form', () => {
  it('shows what the contract refuses beside each field; editing a field clears only its own complaint', async () => {
    const { core, onSaved } = openForm({
      'secrets.status': () => FILE_STORE,
      'environments.save': savedView,
    });
    type('env-name', '   ');
    type('env-redis-url', 'http://cache:6379');
    fireEvent.click(screen.getByTestId('env-save'));

    expect((await screen.findByTestId('field-error-name')).textContent).toBe('name is required');
    expect(screen.getByTestId('field-error-redisUrl').textContent).toBe(
      'Redis URL must be a URL starting with redis:// or rediss://',
    );

    type('env-redis-url', 'redis://cache:6379');
    expect(screen.queryByTestId('field-error-redisUrl')).toBeNull();
    expect(screen.getByTestId('field-error-name').textContent).toBe('name is required');
    expect(core.callsTo('environments.save')).toEqual([]);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('on a store that cannot encrypt, asks before sending a new password, then saves with consent', async () => {
    const { core, onSaved } = openForm({
      'secrets.status': () => BASIC_TEXT,
      'environments.save': savedView,
    });
    await waitFor(() => expect(core.callsTo('secrets.status')).toHaveLength(1));
    type('env-name', 'staging');
    type('env-redis-url', 'redis://:s3cret@h:6379');
    fireEvent.click(screen.getByTestId('env-save'));

    const dialog = await screen.findByTestId('unencrypted-secrets-dialog');
    expect(dialog.textContent).toContain(BASIC_TEXT.warning);
    expect(core.callsTo('environments.save')).toEqual([]);

    fireEvent.click(screen.getByTestId('unencrypted-secrets-dialog-confirm'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    const [save] = core.callsTo('environments.save');
    expect(save!.acceptUnencryptedSecrets).toBe(true);
    expect(save!.environment.redisUrl).toBe('redis://:s3cret@h:6379');
  });

  it('when the core refuses to store unencrypted, the same question is asked and a yes resends with consent', async () => {
    let refused = false;
    const { core, onSaved } = openForm({
      // The status has not arrived yet: only the core knows.
      'secrets.status': () => pending(),
      'environments.save': (input) => {
        if (!input.acceptUnencryptedSecrets) {
          refused = true;
          throw new SluiceError('DENIED', 'saving passwords needs consent', {
            reason: 'unencrypted-secret-storage',
            warning: 'basic_text backend: passwords are only obfuscated.',
          });
        }
        return savedView(input);
      },
    });
    type('env-name', 'staging');
    type('env-redis-url', 'redis://:s3cret@h:6379');
    fireEvent.click(screen.getByTestId('env-save'));

    const dialog = await screen.findByTestId('unencrypted-secrets-dialog');
    expect(refused).toBe(true);
    expect(dialog.textContent).toContain('basic_text backend: passwords are only obfuscated.');
    expect(onSaved).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('unencrypted-secrets-dialog-confirm'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(core.callsTo('environments.save').map((c) => c.acceptUnencryptedSecrets)).toEqual([
      false,
      true,
    ]);
  });
});
