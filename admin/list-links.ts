/**
 * The links every console list carries, built from its current query: the previous and next page,
 * one sort link per sortable column (the column sorted now flips its direction; another starts
 * at `firstDir`, back on page 1) and the CSV of the whole filtered list.
 */

export interface ListLinks {
  /** Query strings (no '?'), null at the first / last page. */
  prev: string | null;
  next: string | null;
  /** Column → query string sorting by it. */
  sortBy: Record<string, string>;
  /** `<csvPath>?<query of page 1>`. */
  csv: string;
}

/**
 * @param params the list's query string with some values replaced (the route's own serializer)
 * @param firstDir the direction a column starts in when chosen ('desc' for dates and amounts)
 */
export function listLinks(opts: {
  query: { sort: string; dir: 'asc' | 'desc' };
  list: { page: number; pages: number };
  sorts: readonly string[];
  // Method syntax: a route's serializer of its own (narrower) query type fits.
  params(over: { sort?: string; dir?: 'asc' | 'desc'; page?: number }): string;
  csvPath: string;
  firstDir?: 'asc' | 'desc';
}): ListLinks {
  const { query, list } = opts;
  const first = opts.firstDir ?? 'asc';
  const flip = first === 'asc' ? 'desc' : 'asc';
  return {
    prev: list.page > 1 ? opts.params({ page: list.page - 1 }) : null,
    next: list.page < list.pages ? opts.params({ page: list.page + 1 }) : null,
    sortBy: Object.fromEntries(opts.sorts.map((s) => [s, opts.params({ sort: s, dir: query.sort === s && query.dir === first ? flip : first, page: 1 })])),
    csv: `${opts.csvPath}?${opts.params({ page: 1 })}`,
  };
}
