import { MAX_LIST_LIMIT, type ResourceFilter, type ResourceRecord, type Store } from '@innominatus/core';

/**
 * Every resource matching `filter`, filtered in the store and read a page at
 * a time with its cursor, so the answer is never cut off at one page's size.
 * For views that show all of them (an application's resources, the
 * applications list); a paged view asks the store for one page instead.
 */
export async function allResources(
  store: Pick<Store, 'listResources'>,
  filter: Omit<ResourceFilter, 'limit' | 'after'>,
  pageSize = MAX_LIST_LIMIT,
): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listResources({ ...filter, limit: pageSize, after });
    out.push(...page);
    if (page.length < pageSize) return out;
    after = page.at(-1)!.id;
  }
}
