/** Number formatting shared by the monitoring pages. Pure, so unit tests can pin it down. */

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** "12.5/s", "0.02/s", "—". */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}/s`;
}

/** A signed rate for trends: "+3.2/s", "−1.0/s", "0/s". */
export function formatTrend(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Math.abs(value) < 0.005) return '0/s';
  const text = formatRate(Math.abs(value));
  return value > 0 ? `+${text}` : `−${text}`;
}

/** Seconds as "45 s", "12 min", "3.5 h", "2.1 d". */
export function formatSeconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 1) return '0 s';
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 7200) return `${Math.round(value / 60)} min`;
  if (value < 172_800) return `${(value / 3600).toFixed(1)} h`;
  return `${(value / 86_400).toFixed(1)} d`;
}

/** "14:02:11 (3 min ago)" for a moment in the past. */
export function formatSince(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const clock = new Date(at).toLocaleTimeString('en-GB', { hour12: false });
  return `${clock} (${formatSeconds(Math.max(0, (now - at) / 1000))} ago)`;
}

export function formatCost(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}
