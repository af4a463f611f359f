import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UI_DIST } from '../src/http/ui';

/** The bundle's budget, gzipped: every file the browser loads. */
const BUDGET_BYTES = 200 * 1024;
/** The only absolute URLs the bundle may hold: XML namespace names, which are never fetched. */
const NAMESPACES = ['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg'];

describe('the built web UI', () => {
  const files = readdirSync(UI_DIST).sort();

  it('is index.html, app.js and app.css, within the gzipped budget', () => {
    expect(files.filter((f) => !f.endsWith('.LEGAL.txt'))).toEqual(['app.css', 'app.js', 'index.html']);
    const gzipped = files.reduce((n, f) => n + gzipSync(readFileSync(join(UI_DIST, f))).length, 0);
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('loads nothing from another origin', () => {
    for (const f of files) {
      const urls = readFileSync(join(UI_DIST, f), 'utf8').match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? [];
      expect([f, urls.filter((u) => !NAMESPACES.includes(u))]).toEqual([f, []]);
    }
  });
});
