import type { ReactNode } from 'react';

/** The messages the core gave for one field, shown under it. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <div className="field-error" id={id} data-testid={id} role="alert">
      {messages.map((message, index) => (
        <div key={index}>{message}</div>
      ))}
    </div>
  );
}

export function Field({
  label,
  htmlFor,
  hint,
  errors,
  errorId,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  errors?: string[] | undefined;
  errorId: string;
  children: ReactNode;
}) {
  return (
    <div className={errors && errors.length > 0 ? 'field field-invalid' : 'field'}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint ? <div className="field-hint">{hint}</div> : null}
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
  testId,
  disabled = false,
  hint,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  disabled?: boolean;
  hint?: string;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>{label}</span>
      {hint ? <span className="field-hint"> — {hint}</span> : null}
    </label>
  );
}
