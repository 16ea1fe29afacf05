import { useId, type ReactNode } from 'react';
import type { ConfigForm } from './configFormModel';

/** What a section of the monitoring config form gets: the form and ways to change it. */
export interface SectionProps {
  form: ConfigForm;
  set: <K extends keyof ConfigForm>(key: K, value: ConfigForm[K]) => void;
  update: <K extends keyof ConfigForm>(
    key: K,
    change: (value: ConfigForm[K]) => ConfigForm[K],
  ) => void;
}

export function TextInput({
  label,
  value,
  onChange,
  placeholder,
  testId,
  width,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  testId?: string;
  width?: 'narrow' | 'wide';
}) {
  return (
    <label className={`config-input config-input-${width ?? 'normal'}`}>
      <span>{label}</span>
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

/** A labelled slot for a picker: the label points at its input instead of wrapping its list. */
export function PickerInput({
  label,
  width,
  children,
}: {
  label: string;
  width?: 'narrow' | 'wide';
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={`config-input config-input-${width ?? 'normal'}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="config-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function AddButton({
  onClick,
  testId,
  children,
}: {
  onClick: () => void;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <button type="button" className="button button-small" onClick={onClick} data-testid={testId}>
      {children}
    </button>
  );
}
