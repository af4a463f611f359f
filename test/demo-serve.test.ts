import { describe, expect, it } from 'vitest';
import { startDemo } from './support/demo-run';

describe('npm run demo -- --serve', () => {
  // At the README's `--pace instant` (the simulated operator without the delays a person watching needs).
  it('prints the web UI and a token, keeps the host up after the demo, and stops cleanly on SIGINT', async () => {
    const demo = startDemo(['--serve', '--pace', 'instant']);
    try {
      await demo.printed('press Ctrl-C to stop it');
      const out = demo.out();
      expect(out).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/ and sign in with the admin token [0-9a-f]{48}\n/);
      expect(out).toContain('db (postgres): requested → provisioning → active');
      const url = /web UI {3}(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;
      const admin = /admin {4}([0-9a-f]{48})/.exec(out)![1]!;
      const user = /user {5}([0-9a-f]{48})/.exec(out)![1]!;
      expect(out.indexOf(admin)).toBeLessThan(out.indexOf('Submitting'));
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const whoami = await fetch(`${url}/api/whoami`, { headers: { authorization: `Bearer ${admin}` } });
      expect(await whoami.json()).toEqual({ name: 'demo-admin', role: 'admin' });
      const apps = await fetch(`${url}/api/applications`, { headers: { authorization: `Bearer ${user}` } });
      expect(
        ((await apps.json()) as { applications: { name: string; states: object }[] }).applications.map((a: { name: string; states: object }) => [
          a.name,
          a.states,
        ]),
      ).toEqual([['my-app', { active: 1 }]]);
    } finally {
      demo.kill('SIGINT');
    }
    expect(await demo.exited).toBe(0);
    expect(demo.out()).toMatch(/demo finished in \d+\.\d s; the host stopped cleanly\./);
  }, 120_000);
});
