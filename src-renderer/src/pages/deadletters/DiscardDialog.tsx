import { useState } from 'react';
import {
  SluiceError,
  type DeadLetterSourceView,
  type EnvironmentView,
  type Selection,
} from '@shared/contract';
import { useDiscard } from '../../queries/deadletters';
import { ProductionNameField } from '../../components/ProductionNameField';
import { useModalDialog } from '../../components/useModalDialog';

/** Discard with a required reason; production bulk discards ask for the environment's name. */
export function DiscardDialog({
  environment,
  source,
  selection,
  count,
  onClose,
}: {
  environment: EnvironmentView;
  source: DeadLetterSourceView;
  selection: Selection;
  count: number;
  onClose: () => void;
}) {
  const ref = useModalDialog();
  const [reason, setReason] = useState('');
  const [typedName, setTypedName] = useState('');
  const discard = useDiscard();
  const needsName = environment.production && count > source.bulkConfirmThreshold;
  const marksResolved = source.capabilities.discard === 'marks-resolved';

  return (
    <dialog
      ref={ref}
      className="dialog dl-dialog"
      data-testid="dl-discard-dialog"
      aria-labelledby="dl-discard-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="dl-discard-title" className="dialog-title">
        Discard {count.toLocaleString('en')} {count === 1 ? 'dead letter' : 'dead letters'}
      </h2>
      <div className="dialog-body">
        <p>
          {marksResolved
            ? 'Kafka records cannot be deleted: they are marked resolved in Sluice and hidden unless "show resolved" is on.'
            : 'They are removed from the dead-letter store and are not delivered anywhere.'}
        </p>
        <div className="field">
          <label>
            Reason (required, kept in the audit log)
            <textarea
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="dl-discard-reason"
            />
          </label>
        </div>
        {needsName ? (
          <ProductionNameField
            environmentName={environment.name}
            value={typedName}
            onChange={setTypedName}
            className="field dl-confirm"
          />
        ) : null}
        {discard.error ? (
          <p className="field-error" role="alert">
            {discard.error instanceof SluiceError ? `${discard.error.code}: ` : ''}
            {discard.error.message}
          </p>
        ) : null}
        {discard.data ? (
          <p data-testid="dl-discard-result">
            Discarded {discard.data.discarded}; {discard.data.missing} were already gone.
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {discard.data ? 'Close' : 'Cancel'}
        </button>
        {discard.data ? null : (
          <button
            type="button"
            className="button button-danger"
            disabled={
              reason.trim() === '' ||
              (needsName && typedName !== environment.name) ||
              discard.isPending ||
              environment.readOnly
            }
            onClick={() =>
              discard.mutate({
                sourceId: source.id,
                selection,
                reason: reason.trim(),
                confirmEnvironmentName: needsName ? typedName : null,
              })
            }
            data-testid="dl-discard-confirm"
          >
            Discard
          </button>
        )}
      </div>
    </dialog>
  );
}
