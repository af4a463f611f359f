import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The repository speaks for itself: no file points at notes outside it or at
// work items by number. What the project needs lives in its own docs/.
const ROOT = join(__dirname, '..');
const OUTSIDE = [
  /\.\.\/shared\//,
  /\b(ARCHITECTURE|K8S-API|SCORE|STYLE|TOOLCHAIN|ZALANDO)\.md\b/,
  /\bdesign\/[A-Z][A-Z0-9-]*\.md\b/,
  /\(issues? #?\d+\)/i,
  /\bissues? #?\d+\b/i,
  /\bthe issue (says|asks|names|wants)\b/i,
];

describe('the repository refers to nothing outside it', () => {
  it('no tracked file cites notes outside the repository or issues by number', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|md|ya?ml|json|sh|cjs|mjs|js)$/.test(f) && f !== 'pnpm-lock.yaml' && f !== 'test/self-contained.test.ts');
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toStrictEqual([]);
  });
});
