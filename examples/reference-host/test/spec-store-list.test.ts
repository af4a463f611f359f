import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSpecStore, MemorySpecStore } from '../src/spec-store';
import { checkSpecListing, specWith } from './spec-listing';

describe('spec listing', () => {
  it('MemorySpecStore', () => checkSpecListing(new MemorySpecStore()));

  it('FileSpecStore', () => checkSpecListing(new FileSpecStore(mkdtempSync(join(tmpdir(), 'specs-')))));

  it('FileSpecStore lists from the summaries without reading a spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specs-'));
    const store = new FileSpecStore(dir);
    await store.put(specWith('app', ['db']));
    writeFileSync(join(dir, 'app.json'), 'not JSON: a listing that read it would throw');
    expect(await store.list({ limit: 10 })).toEqual([{ name: 'app', submittedAt: '2026-01-01T00:00:00.000Z', resources: ['db'] }]);
  });

  it('FileSpecStore makes the summary of a spec stored before summaries were kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specs-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify(specWith('old', ['q', 'p'])));
    const store = new FileSpecStore(dir);
    expect(await store.list({ limit: 10 })).toEqual([{ name: 'old', submittedAt: '2026-01-01T00:00:00.000Z', resources: ['p', 'q'] }]);
    expect(readdirSync(dir).sort()).toEqual(['old.json', 'old.summary']);
  });
});
