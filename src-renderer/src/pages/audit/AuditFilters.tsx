import type { AuditFacets } from '@shared/contract';
import {
  EMPTY_AUDIT_FILTER,
  isFiltered,
  type AuditFilterForm,
  type FilterProblems,
} from './auditFilterModel';

interface Props {
  form: AuditFilterForm;
  problems: FilterProblems;
  facets: AuditFacets | undefined;
  onChange: (form: AuditFilterForm) => void;
}

/** Keeps a chosen value selectable even when the facets no longer list it. */
function withCurrent(values: string[], current: string): string[] {
  return current && !values.includes(current) ? [...values, current] : values;
}

export function AuditFilters({ form, problems, facets, onChange }: Props) {
  const set = (changes: Partial<AuditFilterForm>) => onChange({ ...form, ...changes });
  const operators = facets?.operators ?? [];
  const environments = facets?.environments ?? [];

  return (
    <form
      className="audit-filters"
      data-testid="audit-filters"
      aria-label="Filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="audit-filter">
        <label htmlFor="audit-from">From (local time)</label>
        <input
          id="audit-from"
          type="datetime-local"
          step={1}
          data-testid="audit-filter-from"
          value={form.from}
          aria-invalid={problems.from ? true : undefined}
          onChange={(event) => set({ from: event.target.value })}
        />
        {problems.from ? <span className="field-error">{problems.from}</span> : null}
      </div>
      <div className="audit-filter">
        <label htmlFor="audit-to">To (local time)</label>
        <input
          id="audit-to"
          type="datetime-local"
          step={1}
          data-testid="audit-filter-to"
          value={form.to}
          aria-invalid={problems.to ? true : undefined}
          onChange={(event) => set({ to: event.target.value })}
        />
        {problems.to ? (
          <span className="field-error" data-testid="audit-filter-to-problem">
            {problems.to}
          </span>
        ) : null}
      </div>
      <div className="audit-filter">
        <label htmlFor="audit-operator">Operator</label>
        <select
          id="audit-operator"
          data-testid="audit-filter-operator"
          value={form.operator}
          onChange={(event) => set({ operator: event.target.value })}
        >
          <option value="">Anyone</option>
          {withCurrent(
            operators.map((operator) => operator.osUser),
            form.operator,
          ).map((osUser) => {
            const names = operators.find((o) => o.osUser === osUser)?.displayNames ?? [];
            return (
              <option key={osUser} value={osUser}>
                {names.length > 0 ? `${osUser} (${names.join(', ')})` : osUser}
              </option>
            );
          })}
        </select>
      </div>
      <div className="audit-filter">
        <label htmlFor="audit-environment">Environment</label>
        <select
          id="audit-environment"
          data-testid="audit-filter-environment"
          value={form.environment}
          onChange={(event) => set({ environment: event.target.value })}
        >
          <option value="">Any</option>
          {withCurrent(
            environments.map((environment) => environment.id),
            form.environment,
          ).map((id) => {
            const names = environments.find((e) => e.id === id)?.names ?? [];
            return (
              <option key={id} value={id}>
                {names.length > 0 ? `${names.join(' / ')} (${id.slice(0, 8)})` : id}
              </option>
            );
          })}
        </select>
      </div>
      <div className="audit-filter">
        <label htmlFor="audit-action">Action</label>
        <select
          id="audit-action"
          data-testid="audit-filter-action"
          value={form.action}
          onChange={(event) => set({ action: event.target.value })}
        >
          <option value="">Any</option>
          {withCurrent(facets?.actions ?? [], form.action).map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <div className="audit-filter">
        <label htmlFor="audit-result">Result</label>
        <select
          id="audit-result"
          data-testid="audit-filter-result"
          value={form.result}
          onChange={(event) => set({ result: event.target.value as AuditFilterForm['result'] })}
        >
          <option value="">Any</option>
          <option value="ok">ok</option>
          <option value="denied">denied</option>
          <option value="failed">failed</option>
        </select>
      </div>
      <div className="audit-filter audit-filter-target">
        <label htmlFor="audit-target">Target contains</label>
        <input
          id="audit-target"
          type="search"
          data-testid="audit-filter-target"
          placeholder="name, id or type"
          spellCheck={false}
          maxLength={500}
          value={form.target}
          onChange={(event) => set({ target: event.target.value })}
        />
      </div>
      <button
        type="button"
        className="button button-small audit-filter-clear"
        data-testid="audit-filter-clear"
        disabled={!isFiltered(form)}
        onClick={() => onChange(EMPTY_AUDIT_FILTER)}
      >
        Clear filters
      </button>
    </form>
  );
}
