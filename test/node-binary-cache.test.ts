import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ownFolder } from './support/node-binary';

describe("the release tests' Node binaries cache: only this user's own folder is used", () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'binary-cache-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('makes a missing folder with mode 0700 and accepts it', () => {
    const folder = join(scratch(), 'cache');
    ownFolder(folder);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder that group or others can write', () => {
    const folder = join(scratch(), 'cache');
    ownFolder(folder);
    chmodSync(folder, 0o775);
    expect(() => ownFolder(folder)).toThrow(
      `the Node binaries' cache ${folder} is not this user's own folder (a link, another owner, or writable by others: mode 775); remove it and run again`,
    );
  });

  it('refuses a link, even to a folder of its own', () => {
    const dir = scratch();
    ownFolder(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(() => ownFolder(join(dir, 'link'))).toThrow(/is not this user's own folder/);
  });
});
