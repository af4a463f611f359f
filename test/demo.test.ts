import { describe, expect, it } from 'vitest';
import { startDemo } from './support/demo-run';

describe("scripts/demo.sh (the README's first Quick start command, after setup)", () => {
  // At the README's `--pace instant` (the simulated operator without the delays a person watching needs).
  it('provisions the example database on the simulated cluster and exits 0', async () => {
    const demo = startDemo(['--pace', 'instant']);
    const code = await demo.exited;
    const out = demo.out();
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/SIMULATION: Kubernetes is a mock API server at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('db (postgres): requested → provisioning → active');
    expect(out).toContain('db:   step wait-for-database succeeded');
    expect(out).toMatch(/password +\*\*\* \(sensitive, redacted\)/);
    expect(out).toMatch(/host +my-app-db\.my-app\.svc\.cluster\.local/);
    expect(out).toMatch(/DATABASE_URL=secret:\/\/[0-9a-f-]{36}\/connection_string/);
    expect(out).toMatch(/demo finished in \d+\.\d s; the host stopped cleanly\./);
  }, 120_000);

  it.each([
    [['--pace', 'slow'], "'slow'"],
    [['--pace'], 'no value'],
  ])(
    'refuses %j with a usage message naming the paces, before it starts the host',
    async (args, shown) => {
      const demo = startDemo(args);
      const code = await demo.exited;
      expect({ code, out: demo.out() }).toStrictEqual({ code: 1, out: `demo: --pace must be one of human, instant (got ${shown})\n` });
    },
    60_000,
  );
});
