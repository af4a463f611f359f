import type { SpecPage, SpecSummary, Store } from '@innominatus/core';
import { APPLICATIONS_AFTER } from '../score/shared-index';

/** Most specs read by one {@link allSpecSummaries}. */
export const MAX_SPECS_READ = 10_000;
const PAGE = 500;

/**
 * One page of the applications' specs in name order: the spec store also
 * keeps the index of shared resources, whose entries sort before every
 * application and are left out.
 */
export function applicationSpecs(store: Pick<Store, 'listSpecs'>, page: SpecPage): Promise<SpecSummary[]> {
  const after = page.after === undefined || page.after < APPLICATIONS_AFTER ? APPLICATIONS_AFTER : page.after;
  return store.listSpecs({ ...page, after });
}

/** Every application's spec summary in name order, page by page, up to {@link MAX_SPECS_READ}. */
export async function allSpecSummaries(store: Pick<Store, 'listSpecs'>): Promise<SpecSummary[]> {
  const out: SpecSummary[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await applicationSpecs(store, { after, limit: PAGE });
    out.push(...page);
    if (page.length < PAGE || out.length >= MAX_SPECS_READ) return out.slice(0, MAX_SPECS_READ);
    after = page.at(-1)!.name;
  }
}
