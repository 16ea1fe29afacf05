import type { Runbook, RunbookMatchContext } from '@shared/contract';

function sameText(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/**
 * How well a runbook fits a situation: 0 when it does not apply. An exact
 * error class counts most, then the alert kind, then a reason pattern; a
 * named source or environment must match and adds to the score.
 */
export function matchScore(runbook: Runbook, context: RunbookMatchContext): number {
  const { match } = runbook;
  let score = 0;
  if (context.errorClass && match.errorClasses.some((c) => sameText(c, context.errorClass!)))
    score += 8;
  if (context.alertKind && match.alertKinds.some((k) => sameText(k, context.alertKind!)))
    score += 6;
  if (context.reason && match.reasonPattern) {
    try {
      if (new RegExp(match.reasonPattern, 'i').test(context.reason)) score += 4;
    } catch {
      // Patterns are validated on save; an old invalid one simply never matches.
    }
  }
  if (score === 0) return 0;
  if (match.sources.length > 0) {
    if (!context.source || !match.sources.some((s) => sameText(s, context.source!))) return 0;
    score += 2;
  }
  if (match.environments.length > 0) {
    if (!context.environment || !match.environments.some((e) => sameText(e, context.environment!)))
      return 0;
    score += 1;
  }
  return score;
}

export function matchRunbooks(
  runbooks: readonly Runbook[],
  context: RunbookMatchContext,
): Runbook[] {
  return runbooks
    .map((runbook) => ({ runbook, score: matchScore(runbook, context) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.runbook.title.localeCompare(b.runbook.title))
    .map((entry) => entry.runbook);
}
