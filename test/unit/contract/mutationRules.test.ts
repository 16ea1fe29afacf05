/**
 * Every mutation states where its environment is or why it has none, so no
 * mutation can act in an environment without the dispatcher knowing which
 * (and so without its guards and its audit naming it).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelNames, channels, type ChannelName } from '@shared/contract';
import { environmentRules, type MutationRules } from '@shared/contract/define';
import { mutationScenarios } from '../audit/mutationScenarios';

const mutations = channelNames.filter((name) => channels[name].mutates);

/**
 * The mutations that act in no environment, and why, as reviewed. Adding one
 * here is a decision: its reason must hold, since nothing guards it.
 */
const NO_ENVIRONMENT: Partial<Record<ChannelName, string>> = {
  'settings.update': 'operator settings of Sluice itself',
  'environments.save': "an environment's own definition; its flags are what the guards read",
  'environments.remove': "an environment's own definition; its flags are what the guards read",
  'runbooks.save': 'runbooks belong to no environment',
  'runbooks.remove': 'runbooks belong to no environment',
  'runbooks.export': 'runbooks belong to no environment',
  'runbooks.import': 'runbooks belong to no environment',
  'audit.export': "Sluice's own audit log; a filter selects records, acting nowhere",
};

/** Input fields that name something living in one environment. */
const ENVIRONMENT_SCOPED_FIELDS = ['environmentId', 'sourceId', 'jobId', 'groupId'];

function topLevelFields(schema: z.ZodType): string[] {
  let inner: unknown = schema;
  // Unwrap refinements and defaults down to the object.
  for (let depth = 0; depth < 5 && !(inner instanceof z.ZodObject); depth += 1) {
    const def = (inner as { _def?: { schema?: unknown; innerType?: unknown } })._def;
    inner = def?.schema ?? def?.innerType;
    if (inner === undefined) return [];
  }
  return inner instanceof z.ZodObject ? Object.keys(inner.shape as object) : [];
}

describe('mutation rules in the contract', () => {
  it('queries state no rules; every mutation states some', () => {
    for (const name of channelNames) {
      if (channels[name].mutates) expect(channels[name].rules, name).not.toBeNull();
      else expect(channels[name].rules, name).toBeNull();
    }
  });

  it('the mutations that declare no environment are exactly the reviewed list, each with its reason', () => {
    const undeclared = mutations.filter((name) => environmentRules(channels[name]) === null);
    expect(undeclared.sort()).toEqual(Object.keys(NO_ENVIRONMENT).sort());
    for (const name of undeclared) {
      const rules = channels[name].rules as MutationRules<unknown>;
      expect(rules.environment, name).toBeNull();
      expect('because' in rules && rules.because.length > 20, `${name} says why`).toBe(true);
    }
  });

  it('a mutation whose input names something of an environment declares where it is', () => {
    const silent = mutations.filter(
      (name) =>
        environmentRules(channels[name]) === null &&
        topLevelFields(channels[name].input).some((f) => ENVIRONMENT_SCOPED_FIELDS.includes(f)),
    );
    expect(silent).toEqual([]);
    // The check sees through the schemas: the channels that declare one do name such fields.
    const seen = mutations.filter((name) =>
      topLevelFields(channels[name].input).some((f) => ENVIRONMENT_SCOPED_FIELDS.includes(f)),
    );
    expect(seen).toEqual(expect.arrayContaining(['kafka.offsets.reset', 'deadletters.replay']));
  });

  it.each(mutations.filter((name) => environmentRules(channels[name]) !== null))(
    '%s: its locator reads the subject from the parsed input',
    (name) => {
      const input = channels[name].input.parse(mutationScenarios[name]!.sample);
      const subject = environmentRules(channels[name])!.environment(input);
      const values = Object.entries(subject)
        .filter(([key]) => key !== 'kind')
        .map(([, value]) => value);
      expect(values.length, name).toBeGreaterThan(0);
      for (const value of values) {
        if (value !== null) expect(JSON.stringify(input), name).toContain(String(value));
      }
    },
  );

  it('every channel refused in read-only environments has a real denial scenario through a core', () => {
    const guarded = mutations.filter((name) => environmentRules(channels[name])?.refuseReadOnly);
    const withoutDenial = guarded.filter((name) => !mutationScenarios[name]?.denial);
    expect(withoutDenial).toEqual([]);
  });
});
