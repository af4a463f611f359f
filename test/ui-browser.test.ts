import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { revealAll } from '@innominatus/core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ROOT, USER_TOKEN, call, resourceInState, startHost, until, type E2eHost } from './support/e2e-host';

/** The system's Chromium headless shell (Debian's `chromium-headless-shell`; `scripts/test.sh` installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';
/** Screenshots of each step, kept as test artifacts (gitignored). */
const ARTIFACTS = join(ROOT, 'test/artifacts/ui');
const DEMO_SPEC = readFileSync(join(ROOT, 'examples/score-postgres-app.yaml'), 'utf8');
const FLAKY_SPEC = DEMO_SPEC.replace('name: my-app', 'name: flaky-app');
/** A workload whose database is the shared resource `orders-db` (`postgres-orders-db` of the spec-less application `shared`). */
const SHARING_SPEC = `${DEMO_SPEC.replace('name: my-app', 'name: orders')}    id: orders-db\n`;

describe('the web UI in a real browser', () => {
  let e2e: E2eHost;
  let browser: Browser;
  let context: BrowserContext;
  /** Signed in as a user (the sign-in test does it). */
  let page: Page;
  /** Signed in as an admin, in a session of its own. */
  let adminPage: Page;
  /** Every console error and page error of every page, with the URL it is about. */
  const consoleErrors: string[] = [];
  let shot = 0;
  const screenshot = (name: string, p = page) => p.screenshot({ path: join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });

  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  };
  const signIn = async (p: Page, token: string) => {
    await p.goto(e2e.url);
    await p.fill('input[name=token]', token);
    await p.click('button[type=submit]');
    await p.waitForSelector('[data-testid=who]');
  };
  /** Everything a person or a script could read from the page. */
  const pageText = (p: Page) => p.evaluate<string>('`${document.documentElement.outerHTML}\\n${document.body.innerText}\\n${location.href}`');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get install chromium-headless-shell' (scripts/test.sh does it) or set CHROMIUM_PATH`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // The demo's database is held in Creating until its page has shown it provisioning (the test releases it);
    // flaky-app's fails with CreateFailed, and the operator's periodic sync (run by the test) repairs it.
    [e2e, browser] = await Promise.all([
      startHost({
        simulation: {
          pickupDelayMs: 100,
          scripts: { 'flaky-app-db': { create: 'CreateFailedThenRunning' } },
        },
      }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] }),
    ]);
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    watch(page);
    adminPage = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    watch(adminPage);
    await signIn(adminPage, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  it('signs in with a token kept in session storage, never in the URL', async () => {
    await page.goto(e2e.url);
    await page.fill('input[name=token]', 'not-a-token-at-all');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toBe('unknown bearer token');
    await screenshot('sign-in-refused');
    await signIn(page, USER_TOKEN);
    expect(await page.textContent('[data-testid=who]')).toBe('e2e-user (user)');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('innominatus.token')")).toBe(USER_TOKEN);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    expect(page.url()).not.toContain(USER_TOKEN);
    await page.waitForSelector('[data-testid=live].on');
    // A reload keeps the session.
    await page.reload();
    await page.waitForSelector('[data-testid=who]');
  });

  it('shows the demo application, its database going from provisioning to active live, and the three steps of its run', async () => {
    e2e.host.simulation!.operator.hold('my-app-db');
    const submitted = await call(e2e.url, 'POST', '/api/specs', { body: DEMO_SPEC });
    expect(submitted.status).toBe(202);
    const id = submitted.json.changes[0].id as string;
    await page.waitForSelector('[data-testid=applications] a:text("my-app")');
    await page.click('[data-testid=applications] a:text("my-app")');
    await page.waitForSelector('[data-testid=state-db]:text("provisioning")');
    await screenshot('demo-provisioning');
    e2e.host.simulation!.operator.release('my-app-db');
    // No reload: the event stream moves it on.
    await page.waitForSelector('[data-testid=state-db]:text("active")', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=resolved]:has-text("secret://")');
    expect(JSON.parse((await page.textContent('[data-testid=resolved]'))!).main.variables).toEqual({ DATABASE_URL: `secret://${id}/connection_string` });
    await screenshot('demo-active');

    await page.click('[data-testid=resources] a:text("db")');
    await page.waitForSelector('[data-testid=run] [data-step="get-credentials"][data-status=succeeded]');
    const steps = await page.$$eval('[data-testid=run] [data-step]', (els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]));
    expect(steps).toEqual([
      ['create-postgres-cluster', 'succeeded'],
      ['wait-for-database', 'succeeded'],
      ['get-credentials', 'succeeded'],
    ]);
    expect(await page.textContent('[data-testid=resource-state]')).toBe('active');
    const outputs = await page.$$eval('[data-testid=outputs] tr', (rows) =>
      Object.fromEntries(rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent])),
    );
    expect(outputs.password).toBe('***');
    expect(outputs.connection_string).toBe('***');
    expect(outputs.host).toBe('my-app-db.my-app.svc.cluster.local');
    await screenshot('demo-resource');

    // No sensitive value anywhere in the page: not the password, not the token.
    const secret = revealAll((await e2e.host.services.store.getResource(id))!.outputs!) as Record<string, string>;
    expect(secret.password.length).toBeGreaterThan(8);
    const text = await pageText(page);
    expect(text).not.toContain(secret.password);
    expect(text).not.toContain(USER_TOKEN);
    expect(await page.$('[data-testid=reveal]')).toBeNull();
  });

  it('draws the graph: application, resource, provider, workflow and its steps', async () => {
    await page.click('a:text("← my-app")');
    await page.waitForSelector('[data-testid=graph] [data-node^="step:"]');
    const nodes = await page.$$eval('[data-testid=graph] [data-node]', (els) =>
      els.map((e) => `${e.getAttribute('class')} ${e.querySelector('text')!.textContent}`),
    );
    expect(nodes).toEqual([
      'node node-application state-none my-app',
      'node node-resource state-active db',
      'node node-provider state-none database-team',
      'node node-workflow state-succeeded provision-postgres (db)',
      'node node-step state-succeeded create-postgres-cluster',
      'node node-step state-succeeded wait-for-database',
      'node node-step state-succeeded get-credentials',
    ]);
    expect(await page.$$eval('[data-testid=graph] path.edge', (els) => els.length)).toBe(6);
    await screenshot('graph');
  });

  it("shows a failed resource's reason after CreateFailed, and retries it to active", async () => {
    const id = (await call(e2e.url, 'POST', '/api/specs', { body: FLAKY_SPEC })).json.changes[0].id as string;
    await page.goto(`${e2e.url}/#/resources/${id}`);
    await page.waitForSelector('[data-testid=failure]');
    const reason = (await page.textContent('[data-testid=failure]'))!;
    expect(reason).toContain("STEP_FAILED step 'wait-for-database' failed: postgresql flaky-app/flaky-app-db");
    expect(reason).toContain('observed status: {"PostgresClusterStatus":"CreateFailed"}');
    expect(await page.getAttribute('[data-step="wait-for-database"]', 'data-status')).toBe('failed');
    // The failure and the retry button are drawn together: a user sees the failure and that an admin can retry.
    expect(await page.$('[data-testid=retry]')).toBeNull();
    expect(await page.textContent('[data-testid=retry-needs-admin]')).toBe('An admin can retry it.');
    await screenshot('failed-resource');

    // The operator's periodic sync repairs the cluster, run now that the failure is shown (so it never races the host's wait).
    const cluster = e2e.host.simulation!.cluster;
    e2e.host.simulation!.operator.resync();
    expect(
      (cluster.get({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'flaky-app-db', namespace: 'flaky-app' }) as any).status.PostgresClusterStatus,
    ).toBe('Running');
    await adminPage.goto(`${e2e.url}/#/resources/${id}`);
    await adminPage.click('[data-testid=retry]');
    await adminPage.waitForSelector('[data-testid=retry-dialog]');
    await adminPage.click('[data-testid=retry-confirm]');
    await adminPage.waitForSelector('[data-testid=resource-state]:text("active")', { timeout: 20_000 });
    expect(await adminPage.$('[data-testid=failure]')).toBeNull();
    // The user's page follows live.
    await page.waitForSelector('[data-testid=resource-state]:text("active")', { timeout: 20_000 });
    expect((await resourceInState(e2e.url, id, 'active')).history.map((h: { to: string }) => h.to)).toEqual([
      'requested',
      'provisioning',
      'failed',
      'provisioning',
      'active',
    ]);
    await screenshot('retried', adminPage);
  });

  it('reveals sensitive outputs only to an admin who confirms', async () => {
    const p = adminPage;
    const id = (await call(e2e.url, 'GET', '/api/resources?application=my-app')).json.resources[0].id as string;
    const secret = revealAll((await e2e.host.services.store.getResource(id))!.outputs!) as Record<string, string>;
    await p.goto(`${e2e.url}/#/resources/${id}`);
    await p.waitForSelector('[data-testid=reveal]');
    expect(await pageText(p)).not.toContain(secret.password);
    await p.click('[data-testid=reveal]');
    await p.click('[data-testid=reveal-confirm]');
    await p.waitForSelector(`[data-testid=outputs] code:text("${secret.password}")`);
    expect(e2e.logs.join('')).toContain('"msg":"sensitive outputs revealed"');
    expect(e2e.logs.join('')).not.toContain(secret.password);
    await screenshot('admin-revealed', p);
  });

  it('offers an admin, and only an admin, to delete an application, after showing the plan', async () => {
    await page.goto(`${e2e.url}/#/apps/flaky-app`);
    // The resources and the delete button are drawn together: once the one is there, the other would be.
    await page.waitForSelector('[data-testid=state-db]');
    expect(await page.$('[data-testid=delete-app]')).toBeNull();
    // The user leaves the page before the admin deletes the application it shows.
    await page.click('a.brand');
    await page.waitForSelector('[data-testid=applications] a:text("flaky-app")');

    await adminPage.goto(`${e2e.url}/#/apps/flaky-app`);
    await adminPage.click('[data-testid=delete-app]');
    await adminPage.waitForSelector('[data-testid=delete-plan] li');
    expect(await adminPage.$$eval('[data-testid=delete-plan] li', (els) => els.map((e) => e.textContent))).toEqual(['delete db (postgres, active)']);
    await screenshot('delete-plan', adminPage);
    await adminPage.click('[data-testid=delete-app-confirm]');
    await adminPage.waitForSelector('[data-testid=applications]');
    await until('flaky-app to be gone', async () =>
      (await call(e2e.url, 'GET', '/api/applications')).json.applications.every((a: { name: string }) => a.name !== 'flaky-app'),
    );
  });

  it('shows a shared resource under its application, which has no spec, and links it to its resource page', async () => {
    const submitted = await call(e2e.url, 'POST', '/api/specs', { body: SHARING_SPEC });
    expect(submitted.status).toBe(202);
    const id = submitted.json.changes[0].id as string;
    await page.goto(`${e2e.url}/#/apps/shared`);
    await page.waitForSelector('[data-testid=no-spec]');
    expect(await page.$$eval('[data-testid=resources] [data-resource]', (rows) => rows.map((r) => r.getAttribute('data-resource')))).toEqual([
      'postgres-orders-db',
    ]);
    await screenshot('shared-application');
    await page.click('[data-testid=resources] a:text("postgres-orders-db")');
    await page.waitForSelector('[data-testid=resource-state]');
    expect(page.url()).toBe(`${e2e.url}/#/resources/${id}`);
  });

  it('logged no console error but the refused sign-in and the spec-less application', () => {
    expect(consoleErrors).toEqual([
      `Failed to load resource: the server responded with a status of 401 (Unauthorized) @ ${e2e.url}/api/whoami`,
      `Failed to load resource: the server responded with a status of 404 (Not Found) @ ${e2e.url}/api/specs/shared`,
    ]);
  });
});
