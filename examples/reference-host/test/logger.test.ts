import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sensitive } from '@innominatus/core';
import { createLogger } from '../src/logger';

describe('createLogger', () => {
  it('redacts sensitive values, secret-named fields, authorization headers and configured secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ level: 'info', destination, secrets: ['tok-0123456789abcdef'] });
    logger.info({ outputs: { host: 'h', password: sensitive('pw-s3cret-value') } }, 'outputs');
    logger.info({ config: { password: 'plain-password-1', token: 'plain-token-22' } }, 'fields');
    logger.info({ req: { headers: { authorization: 'Bearer tok-0123456789abcdef' } } }, 'request');
    logger.warn('someone pasted tok-0123456789abcdef into a message');
    const [outputs, fields, request, pasted] = lines.map((l) => JSON.parse(l));
    expect(outputs.outputs).toEqual({ host: 'h', password: '***' });
    expect(fields.config).toEqual({ password: '***', token: '***' });
    expect(request.req.headers.authorization).toBe('***');
    expect(pasted.msg).toBe('someone pasted *** into a message');
    expect(lines.join('')).not.toMatch(/pw-s3cret-value|plain-password-1|plain-token-22|tok-0123456789abcdef/);
  });
});
