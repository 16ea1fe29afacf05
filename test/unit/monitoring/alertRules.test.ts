import { describe, expect, it } from 'vitest';
import type { AlertRule } from '@shared/contract';
import { alertRuleSchema } from '@shared/contract';
import { AlertRuleEvaluator } from '../../../src-main/core/monitoring/alerts/ruleEvaluator';

const T0 = 1_700_000_000_000;
const at = (seconds: number) => T0 + seconds * 1000;

function rule(input: Record<string, unknown>): AlertRule {
  return alertRuleSchema.parse(input);
}

describe('alert rules', () => {
  it('queue depth above X fires only after it held for Y seconds, and clears when it drops', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'depth', kind: 'queue-depth', key: 'q', above: 100, forSeconds: 30 }),
    ]);
    const deep = { queues: [{ key: 'q', depth: 500 }] };
    expect(evaluator.evaluate(deep, at(0)).fired).toEqual([]);
    expect(evaluator.evaluate(deep, at(20)).fired).toEqual([]);
    const fired = evaluator.evaluate(deep, at(30)).fired;
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      ruleId: 'depth',
      kind: 'queue-depth',
      target: 'q',
      value: 500,
    });
    // Still deep: no second firing.
    expect(evaluator.evaluate(deep, at(35)).fired).toEqual([]);
    expect(evaluator.evaluate({ queues: [{ key: 'q', depth: 10 }] }, at(40))).toEqual({
      fired: [],
      cleared: [{ ruleId: 'depth', target: 'q' }],
    });
  });

  it('a dip below the threshold restarts the duration', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'd', kind: 'queue-depth', key: null, above: 100, forSeconds: 30 }),
    ]);
    evaluator.evaluate({ queues: [{ key: 'q', depth: 500 }] }, at(0));
    evaluator.evaluate({ queues: [{ key: 'q', depth: 50 }] }, at(20));
    expect(evaluator.evaluate({ queues: [{ key: 'q', depth: 500 }] }, at(40)).fired).toEqual([]);
    expect(evaluator.evaluate({ queues: [{ key: 'q', depth: 500 }] }, at(70)).fired).toHaveLength(
      1,
    );
  });

  it('a rule with no key watches every queue, each as its own target', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'any', kind: 'queue-depth', above: 10, forSeconds: 0 }),
    ]);
    const result = evaluator.evaluate(
      {
        queues: [
          { key: 'a', depth: 11 },
          { key: 'b', depth: 5 },
          { key: 'c', depth: null },
        ],
      },
      at(0),
    );
    expect(result.fired.map((f) => f.target)).toEqual(['a']);
  });

  it('a source that was not observed keeps its alerts as they are', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'd', kind: 'queue-depth', above: 10, forSeconds: 0 }),
    ]);
    expect(evaluator.evaluate({ queues: [{ key: 'q', depth: 50 }] }, at(0)).fired).toHaveLength(1);
    // Redis is down: only Kafka was observed. Nothing clears.
    expect(evaluator.evaluate({ groups: [] }, at(5))).toEqual({ fired: [], cleared: [] });
  });

  it('group status fires at or above the threshold (WARN by default)', () => {
    const evaluator = new AlertRuleEvaluator([rule({ id: 'g', kind: 'group-status' })]);
    const group = (status: 'OK' | 'WARN' | 'STOP') => ({
      groups: [{ groupId: 'es-sync', status, totalLag: 42 }],
    });
    expect(evaluator.evaluate(group('OK'), at(0)).fired).toEqual([]);
    expect(evaluator.evaluate(group('WARN'), at(5)).fired[0]).toMatchObject({
      target: 'es-sync',
      value: 42,
    });
    // Getting worse does not open a second alert.
    expect(evaluator.evaluate(group('STOP'), at(10)).fired).toEqual([]);
    expect(evaluator.evaluate(group('OK'), at(15)).cleared).toEqual([
      { ruleId: 'g', target: 'es-sync' },
    ]);

    const stopOnly = new AlertRuleEvaluator([
      rule({ id: 's', kind: 'group-status', atLeast: 'STOP' }),
    ]);
    expect(stopOnly.evaluate(group('WARN'), at(0)).fired).toEqual([]);
    expect(stopOnly.evaluate(group('STOP'), at(5)).fired).toHaveLength(1);
  });

  it('gap age above Z seconds', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'gap', kind: 'gap-age', table: 'documents', aboveSeconds: 60 }),
    ]);
    const gap = (age: number | null, count: number) => ({
      gaps: [{ table: 'documents', oldestAgeSeconds: age, count }],
    });
    expect(evaluator.evaluate(gap(30, 5), at(0)).fired).toEqual([]);
    expect(evaluator.evaluate(gap(61, 5), at(5)).fired[0]).toMatchObject({ value: 61 });
    // An empty gap has no oldest row: the condition is false.
    expect(evaluator.evaluate(gap(null, 0), at(10)).cleared).toHaveLength(1);
  });

  it('DLQ growth: fires when the list grew by N within the span, clears once the span passes quietly', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'dlq', kind: 'dlq-growth', key: 'q:dead', growthAtLeast: 3, withinSeconds: 60 }),
    ]);
    const dlq = (depth: number) => ({ deadLetters: [{ key: 'q:dead', depth }] });
    expect(evaluator.evaluate(dlq(10), at(0)).fired).toEqual([]);
    expect(evaluator.evaluate(dlq(11), at(10)).fired).toEqual([]);
    const fired = evaluator.evaluate(dlq(13), at(20)).fired;
    expect(fired[0]).toMatchObject({ target: 'q:dead', value: 3 });
    expect(evaluator.evaluate(dlq(13), at(50)).cleared).toEqual([]);
    // 70 s later the samples at 0-10 s are out of the span: growth 0.
    expect(evaluator.evaluate(dlq(13), at(90)).cleared).toEqual([
      { ruleId: 'dlq', target: 'q:dead' },
    ]);
  });

  it('source down for Y seconds counts from the start of the outage', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'down', kind: 'source-down', source: 'redis', forSeconds: 30 }),
    ]);
    const down = {
      servers: [
        {
          server: 'redis' as const,
          state: 'down' as const,
          message: 'connection refused',
          sinceMs: at(0),
        },
      ],
    };
    expect(evaluator.evaluate(down, at(10)).fired).toEqual([]);
    const fired = evaluator.evaluate(down, at(31)).fired;
    expect(fired[0]).toMatchObject({
      kind: 'source-down',
      target: 'redis',
      detail: 'connection refused',
    });
    const up = {
      servers: [{ server: 'redis' as const, state: 'up' as const, message: null, sinceMs: at(40) }],
    };
    expect(evaluator.evaluate(up, at(41)).cleared).toEqual([{ ruleId: 'down', target: 'redis' }]);
  });

  it('after an operator resolves a still-true condition it fires again only after clearing first', () => {
    const evaluator = new AlertRuleEvaluator([rule({ id: 'g', kind: 'group-status' })]);
    const warn = { groups: [{ groupId: 'g1', status: 'WARN' as const, totalLag: 1 }] };
    const ok = { groups: [{ groupId: 'g1', status: 'OK' as const, totalLag: 0 }] };
    expect(evaluator.evaluate(warn, at(0)).fired).toHaveLength(1);
    evaluator.suppress('g', 'g1');
    expect(evaluator.evaluate(warn, at(5))).toEqual({ fired: [], cleared: [] });
    expect(evaluator.evaluate(ok, at(10))).toEqual({ fired: [], cleared: [] });
    expect(evaluator.evaluate(warn, at(15)).fired).toHaveLength(1);
  });

  it('alerts left open by an earlier run clear when the condition is seen false', () => {
    const evaluator = new AlertRuleEvaluator([rule({ id: 'g', kind: 'group-status' })]);
    evaluator.markFiring('g', 'g1');
    expect(
      evaluator.evaluate({ groups: [{ groupId: 'g1', status: 'OK', totalLag: 0 }] }, at(0)).cleared,
    ).toEqual([{ ruleId: 'g', target: 'g1' }]);
  });

  it('disabled rules and removed rules do nothing', () => {
    const evaluator = new AlertRuleEvaluator([
      rule({ id: 'off', kind: 'queue-depth', above: 0, forSeconds: 0, enabled: false }),
      rule({ id: 'on', kind: 'queue-depth', above: 0, forSeconds: 0 }),
    ]);
    const deep = { queues: [{ key: 'q', depth: 5 }] };
    expect(evaluator.evaluate(deep, at(0)).fired.map((f) => f.ruleId)).toEqual(['on']);
    evaluator.setRules([]);
    expect(evaluator.evaluate({ queues: [{ key: 'q', depth: 0 }] }, at(5))).toEqual({
      fired: [],
      cleared: [],
    });
  });
});
