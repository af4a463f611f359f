import { InnominatusError } from '@innominatus/core';
import { describe, expect, it } from 'vitest';
import { ConflictError, HostError, PlaceholderError, ScoreError, StoreUnavailableError } from '../src/errors';

describe("the host's errors follow core's error model", () => {
  it('are branded coded errors, with the position of the first issue read from YAML', () => {
    const err = new ScoreError('Score spec is invalid', [
      { field: 'metadata.name', message: 'is required' },
      { field: 'containers.main.image', message: 'is required', line: 5, col: 9 },
    ]);
    expect(InnominatusError.is(err)).toBe(true);
    expect(err).toBeInstanceOf(HostError);
    expect(err).toMatchObject({ name: 'ScoreError', code: 'SCORE_INVALID', status: 422, retryable: false, position: { line: 5, col: 9 } });
    expect(err.describe()).toBe('5:9: Score spec is invalid [SCORE_INVALID]');
    expect(new ConflictError('RESOURCE_CONFLICT', 'busy').position).toBeUndefined();
  });

  it('are retryable exactly when a later try of the same request may pass', () => {
    expect(new StoreUnavailableError().retryable).toBe(true);
    expect(new PlaceholderError('PLACEHOLDER_NOT_READY', 'not active yet', []).retryable).toBe(true);
    expect(new PlaceholderError('PLACEHOLDER_UNKNOWN', 'no such output', []).retryable).toBe(false);
    expect(new ConflictError('SPEC_PRUNE_REQUIRED', 'would delete').retryable).toBe(false);
  });

  it('keep a cause, and answer requests with the same JSON body as before', () => {
    const low = new Error('socket closed');
    const err = new HostError('STORE_UNAVAILABLE', 503, 'the store is unavailable', [], { cause: low });
    expect(err.cause).toBe(low);
    expect(err.toJSON()).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: 'the store is unavailable' } });
    expect(JSON.parse(JSON.stringify(new ScoreError('bad', [{ field: 'a', message: 'b', line: 1, col: 2 }])))).toEqual({
      error: { code: 'SCORE_INVALID', message: 'bad', issues: [{ field: 'a', message: 'b', line: 1, col: 2 }] },
    });
  });
});
