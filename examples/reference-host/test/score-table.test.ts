import { describe, expect, it } from 'vitest';
import { ScoreError } from '../src/errors';
import { parseScore } from '../src/score/score-spec';
import { CASES, type ScoreCase } from './score-cases';

type Answer = ScoreCase['host'];

function answer(spec: ScoreCase['spec'], innominatusDialect: boolean): Answer {
  try {
    return { warnings: parseScore(spec, { innominatusDialect }).warnings.map((w) => `${w.field}: ${w.message}`) };
  } catch (err) {
    if (!(err instanceof ScoreError)) throw err;
    expect(err.code).toBe('SCORE_INVALID');
    return { issues: err.issues.map((i) => `${i.field}: ${i.message}`) };
  }
}

const accepted = (a: Answer) => 'warnings' in a;

describe('Score files against the official v1b1 shape', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(answer(c.spec, true)).toEqual(c.host);
    expect(answer(c.spec, false)).toEqual(c.scoreOnly ?? c.host);
  });

  it('agrees with score-k8s on every case read as Score only, and on all but the dialect cases by default', () => {
    const scoreOnly = CASES.filter((c) => accepted(answer(c.spec, false)) === (c.scoreK8s === 'accepts'));
    const byDefault = CASES.filter((c) => accepted(answer(c.spec, true)) === (c.scoreK8s === 'accepts'));
    expect([CASES.length, scoreOnly.length, byDefault.length]).toEqual([52, 52, 50]);
    // The two the default reads differently are innominatus' own spellings, accepted with a warning.
    expect(CASES.filter((c) => !byDefault.includes(c)).map((c) => c.name)).toEqual([
      'env on a container (innominatus dialect)',
      'properties on a resource (innominatus dialect)',
    ]);
  });
});
