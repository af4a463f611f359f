import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createEngine, defineStep, MemoryJournal, Type, reveal, sensitive, type Logger, type EngineEvents } from '../src/index';
import { secretStep, workflow } from './helpers';

const PASSWORD = 'hunter2-S3cret/+x';

function capture() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m, d) => lines.push(`debug ${m} ${JSON.stringify(d)}`),
    info: (m, d) => lines.push(`info ${m} ${JSON.stringify(d)}`),
    warn: (m, d) => lines.push(`warn ${m} ${JSON.stringify(d)}`),
    error: (m, d) => lines.push(`error ${m} ${JSON.stringify(d)}`),
  };
  return { lines, logger };
}

const failing = defineStep({
  type: 'leaky-failure',
  description: 'Fails with the secret in its message',
  input: Type.Object({ dsn: Type.String() }),
  output: Type.Object({}),
  timeout: '5s',
  async run(input, ctx) {
    ctx.logger.warn(`connecting to ${input.dsn}`);
    throw new Error(`could not connect to ${input.dsn} (password ${encodeURIComponent(PASSWORD)})`);
  },
});

describe('sensitive values never leave in clear text', () => {
  it('stay out of logs, events, errors and the journal', async () => {
    const { lines, logger } = capture();
    const journal = new MemoryJournal();
    const engine = createEngine({ steps: [secretStep, failing], journal, logger, encrypter: 'c'.repeat(64) });
    const events: unknown[] = [];
    for (const name of [
      'run:started',
      'run:succeeded',
      'run:failed',
      'step:started',
      'step:progress',
      'step:succeeded',
      'step:failed',
      'step:retrying',
      'step:skipped',
    ] as Array<keyof EngineEvents>) {
      engine.events.on(name, ((e: unknown) => events.push({ name, e })) as never);
    }
    const wf = workflow({
      parameters: [{ name: 'password', type: 'string', sensitive: true }],
      steps: [
        { name: 'creds', type: 'secret', with: { password: '${{ parameters.password }}' } },
        { name: 'connect', type: 'leaky-failure', with: { dsn: 'postgresql://app:${{ steps["creds"].outputs.password }}@db:5432/app' } },
      ],
    });
    let error: unknown;
    try {
      await engine.run(wf, { parameters: { password: PASSWORD }, runId: 'leak' });
    } catch (e) {
      error = e;
    }
    const everything = [
      ...lines,
      JSON.stringify(events),
      inspect(events, { depth: 20 }),
      String(error),
      inspect(error, { depth: 20 }),
      JSON.stringify(error),
      JSON.stringify(await journal.getRun('leak')),
      JSON.stringify(await journal.listSteps('leak')),
    ].join('\n');
    expect(error).toMatchObject({ code: 'STEP_FAILED', message: "step 'connect' failed: could not connect to *** (password ***)" });
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(PASSWORD));
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(lines).toContain('info read password *** {"runId":"leak","step":"creds","password":"***"}');
    expect(lines).toContain('warn connecting to *** {"runId":"leak","step":"connect"}');
    expect(JSON.stringify(await journal.listSteps('leak'))).toContain('"password":{"$sensitive":"v1:');
  });

  it('declared sensitive outputs stay sensitive, and the caller can reveal them on purpose', async () => {
    const engine = createEngine({ steps: [secretStep] });
    const r = await engine.run(
      workflow({
        steps: [{ name: 'creds', type: 'secret', with: { password: 'p@ss' } }],
        outputs: {
          username: '${{ steps["creds"].outputs.username }}',
          password: { value: '${{ steps["creds"].outputs.password }}', sensitive: true },
          // not marked: the analysis warns, and the engine marks it sensitive anyway
          url: 'postgresql://${{ steps["creds"].outputs.username }}:${{ steps["creds"].outputs.password }}@h',
        },
      }),
    );
    expect(JSON.stringify(r.outputs)).toBe('{"username":"app","password":"***","url":"***"}');
    expect(reveal(r.outputs.password)).toBe('p@ss');
    expect(reveal(r.outputs.url)).toBe('postgresql://app:p@ss@h');
  });

  it('a parameter passed in as sensitive stays sensitive', async () => {
    const engine = createEngine({ steps: [secretStep] });
    const r = await engine.run(
      workflow({
        parameters: [{ name: 'token', type: 'string' }],
        steps: [{ name: 's', type: 'secret', with: { password: 'x' } }],
        outputs: { t: '${{ parameters.token }}' },
      }),
      { parameters: { token: sensitive('tok-123') } },
    );
    expect(String(r.outputs.t)).toBe('***');
    expect(reveal(r.outputs.t)).toBe('tok-123');
  });
});
