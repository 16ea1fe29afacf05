import { useState } from 'react';
import type { EnvironmentView } from '@shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ColourChip, EnvironmentFlags } from '../../components/EnvironmentFlags';
import { EmptyState } from '../../components/Panels';
import { useRemoveEnvironment } from '../../queries/environments';
import { configuredServices } from '../serviceSummary';

interface Props {
  environments: EnvironmentView[];
  editingId: string | null;
  onEdit: (environment: EnvironmentView) => void;
  onAdd: () => void;
  onRemoved: (id: string) => void;
}

export function EnvironmentList({ environments, editingId, onEdit, onAdd, onRemoved }: Props) {
  const remove = useRemoveEnvironment();
  const [removing, setRemoving] = useState<EnvironmentView | null>(null);

  return (
    <div data-testid="settings-env-list">
      {environments.length === 0 ? (
        <EmptyState title="No environments yet">
          Use “Add environment” to give one a name, a colour and the Redis, PostgreSQL and Kafka it
          uses.
        </EmptyState>
      ) : (
        <ul className="env-list">
          {environments.map((environment) => (
            <li
              key={environment.id}
              className={editingId === environment.id ? 'env-list-item editing' : 'env-list-item'}
              data-testid={`settings-env-${environment.id}`}
            >
              <ColourChip colour={environment.colour} />
              <span className="env-list-name">{environment.name}</span>
              <EnvironmentFlags environment={environment} />
              <span className="env-list-services muted">
                {configuredServices(environment).join(' · ') || 'no services configured'}
              </span>
              <span className="env-list-actions">
                <button
                  type="button"
                  className="button button-small"
                  data-testid={`env-edit-${environment.id}`}
                  onClick={() => onEdit(environment)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button button-small button-danger"
                  data-testid={`env-remove-${environment.id}`}
                  onClick={() => setRemoving(environment)}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button" data-testid="env-add" onClick={onAdd}>
        Add environment
      </button>
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          danger
          busy={remove.isPending}
          testId="remove-env-dialog"
          onCancel={() => setRemoving(null)}
          onConfirm={() =>
            remove.mutate(removing.id, {
              onSuccess: () => onRemoved(removing.id),
              onSettled: () => setRemoving(null),
            })
          }
        >
          <p>
            Its settings and stored passwords are deleted from this machine. The servers themselves
            are not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
