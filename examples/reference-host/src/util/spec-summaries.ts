import type { SpecSummary, Store } from '@innominatus/core';

/** Most specs read by one {@link allSpecSummaries}. */
export const MAX_SPECS_READ = 10_000;
const PAGE = 500;

/** Every spec summary in name order, page by page, up to {@link MAX_SPECS_READ}. */
export async function allSpecSummaries(store: Pick<Store, 'listSpecs'>): Promise<SpecSummary[]> {
  const out: SpecSummary[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listSpecs({ after, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE || out.length >= MAX_SPECS_READ) return out.slice(0, MAX_SPECS_READ);
    after = page.at(-1)!.name;
  }
}
