/**
 * CSV export of a console list (csv-stringify): streamed row by row, so exporting 100,000
 * customers does not hold them in memory; a UTF-8 byte-order mark first so Excel opens names
 * with accents correctly. Cells that start with = + - @ are prefixed with ' so a spreadsheet does
 * not run them as formulas (OWASP "CSV Injection").
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type Koa from 'koa';

type Cell = string | number | null;

const neutralise = (v: Cell): Cell => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export async function streamCsv(ctx: Koa.Context, filename: string, header: string[], rows: () => AsyncIterable<Cell[]>): Promise<void> {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.attachment(filename);
  const source = Readable.from((async function* () {
    yield header;
    for await (const row of rows()) yield row.map(neutralise);
  })());
  const csv = stringify({ bom: true });
  source.on('error', (err) => csv.destroy(err));
  ctx.body = source.pipe(csv);
}

/**
 * Every row of a paged list, page after page (for streamCsv): `fetchPage(1)`, `fetchPage(2)`, …
 * until the last page the list reports.
 */
export async function* everyRow<R>(fetchPage: (page: number) => Promise<{ rows: readonly R[]; pages: number }>): AsyncGenerator<R> {
  for (let page = 1; ; page++) {
    const list = await fetchPage(page);
    yield* list.rows;
    if (page >= list.pages) return;
  }
}
