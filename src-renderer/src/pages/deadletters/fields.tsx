import { useId, type ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { KafkaCatalog } from '@shared/contract';
import type { SourceFormState, SourceTopicChecks } from './sourceFormModel';

/** A labelled form field of the dead-letter dialogs, with an optional hint under it. */
export function Field({
  label,
  children,
  hint,
}: {
  label: string;
  children: ReactNode;
  hint?: string;
}) {
  return (
    <div className="field">
      <label>
        {label}
        {children}
      </label>
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

/** The common case: a labelled one-line text input. */
export function TextField({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  hint?: string;
}) {
  return (
    <Field label={label} {...(hint !== undefined ? { hint } : {})}>
      <input value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/** A field whose input is a picker: the label points at it instead of wrapping its list. */
export function PickerField({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

/** What each kind's group of fields in the source form is given. */
export interface SourceFieldsProps {
  state: SourceFormState;
  set: <K extends keyof SourceFormState>(key: K, value: SourceFormState[K]) => void;
  /** The cluster's topics, for the kinds whose topic names are checked while typing. */
  topics: TopicPicking;
}

export interface TopicPicking {
  /** Undefined while the environments are loading. */
  kafkaConfigured: boolean | undefined;
  catalog: KafkaCatalog | undefined;
  checks: SourceTopicChecks;
  query: UseQueryResult<KafkaCatalog, Error>;
}
