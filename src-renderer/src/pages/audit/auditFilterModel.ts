import type { AuditFilter, AuditResult } from '@shared/contract';

/** The filter bar's fields as typed; times are datetime-local values in local time. */
export interface AuditFilterForm {
  from: string;
  to: string;
  operator: string;
  environment: string;
  action: string;
  result: '' | AuditResult;
  target: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = {
  from: '',
  to: '',
  operator: '',
  environment: '',
  action: '',
  result: '',
  target: '',
};

export interface FilterProblems {
  from?: string;
  to?: string;
}

/** A datetime-local value (local time) as a UTC instant; null when it is not a time. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The opposite: an instant as a datetime-local value in this machine's time zone. */
export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * The contract's filter from the form. A field that does not parse is left
 * out of the filter and reported, so a half-typed time never silently narrows
 * the list to nothing.
 */
export function filterFromForm(form: AuditFilterForm): {
  filter: AuditFilter;
  problems: FilterProblems;
} {
  const filter: AuditFilter = {};
  const problems: FilterProblems = {};
  const from = localInputToIso(form.from);
  const to = localInputToIso(form.to);
  if (form.from.trim() !== '' && from === null) problems.from = 'not a date and time';
  if (form.to.trim() !== '' && to === null) problems.to = 'not a date and time';
  if (from && to && from >= to) problems.to = 'must be later than “from”';
  if (from) filter.from = from;
  if (to && !problems.to) filter.to = to;
  if (form.operator) filter.operator = form.operator;
  if (form.environment) filter.environment = form.environment;
  if (form.action) filter.action = form.action;
  if (form.result) filter.result = form.result;
  const target = form.target.trim();
  if (target) filter.target = target.slice(0, 500);
  return { filter, problems };
}

export function isFiltered(form: AuditFilterForm): boolean {
  return Object.values(form).some((value) => value !== '');
}

/** The filters in words, for the export result and the empty state. */
export function describeFilter(filter: AuditFilter): string {
  const parts: string[] = [];
  if (filter.from) parts.push(`from ${filter.from}`);
  if (filter.to) parts.push(`before ${filter.to}`);
  if (filter.operator) parts.push(`operator ${filter.operator}`);
  if (filter.environment) parts.push(`environment ${filter.environment}`);
  if (filter.action) parts.push(`action ${filter.action}`);
  if (filter.result) parts.push(`result ${filter.result}`);
  if (filter.target) parts.push(`target contains “${filter.target}”`);
  return parts.length > 0 ? parts.join(', ') : 'all records';
}
