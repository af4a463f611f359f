import type { SpecStore, SpecSummary } from '../spec-store';

/** Most specs read by one {@link allSpecSummaries}. */
export const MAX_SPECS_READ = 10_000;
const PAGE = 500;

/** Every spec summary in name order, page by page, up to {@link MAX_SPECS_READ}. */
export async function allSpecSummaries(specs: SpecStore): Promise<SpecSummary[]> {
  const out: SpecSummary[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await specs.list({ ...(after === undefined ? {} : { after }), limit: PAGE });
    out.push(...page);
    if (page.length < PAGE || out.length >= MAX_SPECS_READ) return out.slice(0, MAX_SPECS_READ);
    after = page.at(-1)!.name;
  }
}
