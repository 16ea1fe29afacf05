import { ErrorPanel, Loading } from '../../components/Panels';
import { useSecretStorageStatus } from '../../queries/app';

export function SecretStorageSection() {
  const status = useSecretStorageStatus();
  if (status.isPending) return <Loading what="secret storage status" />;
  if (status.isError)
    return <ErrorPanel error={status.error} onRetry={() => void status.refetch()} />;
  const { backend, encrypted, requiresConsent, warning } = status.data;
  return (
    <section className="card" aria-labelledby="settings-secrets" data-testid="secret-storage">
      <h2 id="settings-secrets">Secret storage</h2>
      <dl className="facts">
        <dt>Backend</dt>
        <dd>{backend}</dd>
        <dt>Encrypted at rest</dt>
        <dd>{encrypted ? 'yes' : 'no'}</dd>
      </dl>
      {!encrypted || warning ? (
        <p className="warning" role="note" data-testid="secret-storage-warning">
          {warning ?? 'Passwords are stored without encryption on this host.'}
          {requiresConsent ? ' You will be asked to confirm before a password is saved.' : ''}
        </p>
      ) : null}
      <p className="field-hint">
        Passwords never go into the environment database: each one is kept here and shown as
        ******** afterwards.
      </p>
    </section>
  );
}
