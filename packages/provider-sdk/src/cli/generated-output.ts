import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ProviderSdkError } from '../errors';
import { readMarkedSection, replaceMarkedSection } from '../docs/marked-section';
import type { CliIo } from './cli-io';

/** Where a generated text goes: stdout, or a marked section of a file (`--into`), or a check of that section (`--check`). */
export interface GeneratedOutputOptions {
  into?: string;
  check?: boolean;
}

/**
 * Prints `content`, or writes it between the markers of section `name` in
 * the `--into` file, or (with `--check`) exits 1 when that section differs.
 * `fenced` is what the section holds around the content (e.g. a code fence).
 */
export async function writeGenerated(
  name: string,
  content: string,
  fenced: (c: string) => string,
  options: GeneratedOutputOptions,
  io: CliIo,
): Promise<number> {
  if (!options.into) {
    if (options.check) throw new ProviderSdkError('USAGE', '--check needs --into FILE');
    io.stdout(content);
    return 0;
  }
  const path = resolve(io.cwd, options.into);
  const shown = relative(io.cwd, path) || options.into;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ProviderSdkError('USAGE', `--into: cannot read '${shown}'`);
  }
  const wanted = fenced(content);
  if (options.check) {
    if (readMarkedSection(text, name, shown) === wanted.replace(/\n$/, '')) return 0;
    io.stderr(`${shown}: the generated ${name} section is out of date; run the same command without --check to update it\n`);
    return 1;
  }
  const next = replaceMarkedSection(text, name, wanted, shown);
  if (next !== text) await writeFile(path, next);
  io.stderr(`${shown}: generated ${name} section ${next === text ? 'already up to date' : 'updated'}\n`);
  return 0;
}
