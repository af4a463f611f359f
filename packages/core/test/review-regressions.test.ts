import { describe, expect, it } from 'vitest';
import {
  aesGcmEncrypter,
  compileTemplate,
  createEngine,
  defineStep,
  expressionReferences,
  isSensitive,
  MemoryJournal,
  reveal,
  Scope,
  sensitive,
  Type,
  type Logger,
} from '../src/index';
import { seal, unseal } from '../src/store/index';
import { echo, workflow } from './helpers';

const enc = aesGcmEncrypter('d'.repeat(64));

describe('sealing', () => {
  it('user data shaped like a sealed value comes back as plain data, never decrypted', () => {
    const ct = (seal(sensitive('victim'), enc, 'run-a') as { $sensitive: string }).$sensitive;
    const forged = { cfg: { $sensitive: ct }, other: { $plain: 1 } };
    const back = unseal(JSON.parse(JSON.stringify(seal(forged, enc, 'run-b'))), enc, 'run-b');
    expect(back).toStrictEqual(forged);
  });

  it('a ciphertext is bound to its record', () => {
    const sealed = seal(sensitive('x'), enc, 'run-a');
    expect(reveal(unseal(sealed, enc, 'run-a'))).toBe('x');
    expect(() => unseal(sealed, enc, 'run-b')).toThrowError(expect.objectContaining({ code: 'DECRYPT_FAILED' }));
  });

  it('reveals a Sensitive made by another copy of the library', () => {
    const foreign = Object.freeze(
      Object.defineProperties(
        {},
        {
          [Symbol.for('innominatus.sensitive')]: { value: true },
          [Symbol.for('innominatus.sensitive.value')]: { value: 'from-elsewhere' },
        },
      ),
    );
    expect(isSensitive(foreign)).toBe(true);
    expect(reveal(foreign)).toBe('from-elsewhere');
  });
});

describe('taint follows every operand', () => {
  const s = new Scope({ parameters: { flag: false, name: 'n', pw: sensitive('hunter2-tern') } });
  it.each([
    '${{ [parameters.flag ? "" : parameters.pw][0] }}',
    '${{ [parameters.name, "x", parameters.pw][2] }}',
    '${{ (parameters.flag ? parameters : parameters).pw }}',
  ])('%s', (t) => {
    const v = compileTemplate(t).render(s);
    expect(isSensitive(v)).toBe(true);
    expect(reveal(v)).toBe('hunter2-tern');
  });

  it('lists the references of every operand', () => {
    expect(expressionReferences('[parameters.name, "x", parameters.pw][2]').map((r) => `${r.root}.${r.path.join('.')}`)).toStrictEqual([
      'parameters.name',
      'parameters.pw',
    ]);
    expect(expressionReferences('(steps["db"].outputs.host + ".svc").size()').map((r) => r.path)).toStrictEqual([['db', 'outputs', 'host']]);
  });

  it('withholds CEL error details when an expression reads a secret', () => {
    const t = compileTemplate('${{ {"a": 1}[parameters.pw] }}');
    expect(() => t.render(s)).toThrowError('expression \'{"a": 1}[parameters.pw]\' failed on a sensitive value (details withheld)');
  });

  it('a map literal inside ${{ }} does not end the template early', () => {
    expect(compileTemplate('${{ {"a": {"b": 1}} }}').render(s)).toStrictEqual({ a: { b: 1 } });
  });
});

describe('engine hardening', () => {
  it('a parameter holding a secret anywhere inside is sensitive as a whole', async () => {
    const journal = new MemoryJournal();
    const engine = createEngine({ steps: [echo], journal, encrypter: enc });
    const r = await engine.run(
      workflow({
        parameters: [{ name: 'cfg', type: 'object' }],
        steps: [{ name: 'e', type: 'echo', with: { value: '${{ parameters.cfg.user }}' } }],
        outputs: { user: '${{ parameters.cfg.user }}' },
      }),
      { parameters: { cfg: { user: 'u', password: sensitive('hunter2-nested') } }, runId: 'n' },
    );
    expect(isSensitive(r.outputs.user)).toBe(true);
    expect(JSON.stringify([await journal.getRun('n'), await journal.listSteps('n')])).not.toContain('hunter2-nested');
  });

  it('scrubs multi-line and quoted secrets from structured log data', async () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBg"x\n-----END KEY-----';
    const lines: unknown[] = [];
    const logger: Logger = { debug() {}, info: (m, d) => lines.push([m, d]), warn() {}, error() {} };
    const logit = defineStep({
      type: 'logit',
      description: 'logs its key',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({}),
      timeout: '5s',
      async run(i, ctx) {
        ctx.logger.info('using key', { key: i.key, nested: { again: [i.key] }, count: 1234 });
        return {};
      },
    });
    await createEngine({ steps: [logit], logger }).run(
      workflow({ parameters: [{ name: 'k', type: 'string', sensitive: true }], steps: [{ name: 'l', type: 'logit', with: { key: '${{ parameters.k }}' } }] }),
      { parameters: { k: pem }, runId: 'pem' },
    );
    expect(lines).toStrictEqual([['using key', { runId: 'pem', step: 'l', key: '***', nested: { again: ['***'] }, count: 1234 }]]);
  });

  it('an output that echoes a secret from the input is sensitive', async () => {
    const r = await createEngine({ steps: [echo] }).run(
      workflow({
        parameters: [{ name: 'pw', type: 'string', sensitive: true }],
        steps: [{ name: 'e', type: 'echo', with: { value: 'dsn://u:${{ parameters.pw }}@h' } }],
        outputs: { v: '${{ steps["e"].outputs.value }}' },
      }),
      { parameters: { pw: 'hunter2-echo' } },
    );
    expect(isSensitive(r.outputs.v)).toBe(true);
  });

  it('refuses a second run with the same id (not retryable) and a resume of a run in progress', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = defineStep({
      type: 'slow',
      description: 'waits until the test releases it',
      input: Type.Object({}),
      output: Type.Object({}),
      timeout: '5s',
      async run() {
        await held;
        return {};
      },
    });
    const engine = createEngine({ steps: [slow] });
    const wf = workflow({ steps: [{ name: 's', type: 'slow' }] });
    const first = engine.run(wf, { runId: 'same' });
    await expect(engine.resume('same')).rejects.toMatchObject({ code: 'RUN_ACTIVE' });
    release();
    await first;
    await expect(engine.run(wf, { runId: 'same' })).rejects.toMatchObject({ code: 'RUN_EXISTS', retryable: false });
  });

  it('rejects a timeout longer than a timer can wait', () => {
    expect(() => createEngine({ steps: [echo] }).compile(workflow({ steps: [{ name: 'e', type: 'echo', timeout: '25d' }] }))).toThrowError(
      expect.objectContaining({ code: 'WORKFLOW_INVALID', path: '/steps/0/timeout', message: 'duration "25d" is longer than the maximum of 24 days' }),
    );
  });
});

describe('verifyEncryptionKey', () => {
  it('records the key on first use and refuses another key later, saying so', async () => {
    const { verifyEncryptionKey } = await import('../src/index');
    const journal = new MemoryJournal();
    await verifyEncryptionKey(journal, enc);
    await verifyEncryptionKey(journal, enc);
    await expect(verifyEncryptionKey(journal, aesGcmEncrypter('e'.repeat(64)))).rejects.toMatchObject({
      code: 'KEY_MISMATCH',
      message: expect.stringMatching(/^the encryption key does not match the one this store's secrets were sealed with/),
    });
  });
});
