import type { ReactNode } from 'react';

/**
 * The production guard's input: the operator types the environment's name.
 * The core checks the same name again; this field only collects it.
 */
export function ProductionNameField({
  environmentName,
  value,
  onChange,
  lead = 'Production:',
  className = 'field',
  testId,
}: {
  environmentName: string;
  value: string;
  onChange: (value: string) => void;
  /** What comes before "type <name> to confirm". */
  lead?: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <div className={className}>
      <label>
        {lead} type <strong>{environmentName}</strong> to confirm
        <input
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          {...(testId ? { 'data-testid': testId } : {})}
        />
      </label>
    </div>
  );
}
