/**
 * Labels every console table cell with its column's header, so that on a phone (public/admin.css,
 * under 640 px) a table can stack each row into a card of "Header: value" lines instead of a
 * row of bare values. Copies the text of the <thead>'s last row of <th> cells (colspan counted)
 * into `data-label` on each <td>/<th> of <tbody> and <tfoot>; a cell under an empty header gets
 * `data-label=""` (action buttons need no label). A table whose columns are mostly figures
 * (th.num, e.g. a report) is marked `figures`: on a phone it keeps its grid and scrolls inside its
 * own box; any other is marked `stacked`. Runs on load and again whenever htmx (or
 * anything) puts new rows into the page (a MutationObserver: search results, history restore).
 * A table without a <thead> is left alone (on a phone it scrolls inside its own box).
 */
(() => {
  const headersOf = (table) => {
    const rows = table.tHead ? table.tHead.rows : [];
    const last = rows[rows.length - 1];
    if (!last) return null;
    const names = [];
    for (const th of last.cells) {
      const name = (th.textContent || '').replace(/\s+/g, ' ').trim();
      for (let i = 0; i < (th.colSpan || 1); i++) names.push(name);
    }
    return names;
  };

  const label = (table) => {
    const names = headersOf(table);
    if (!names) return;
    table.classList.add('labelled');
    // A table of figures (most columns numeric, e.g. a report) keeps its grid and scrolls instead.
    const numeric = table.tHead.rows[table.tHead.rows.length - 1].querySelectorAll('th.num').length;
    const figures = numeric * 2 > names.length;
    table.classList.toggle('figures', figures);
    table.classList.toggle('stacked', !figures);
    for (const section of [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])]) {
      for (const row of section.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // A cell spanning the whole row ("no results") needs no label.
          const name = cell.colSpan >= names.length ? '' : names[column] ?? '';
          if (cell.getAttribute('data-label') !== name) cell.setAttribute('data-label', name);
          column += cell.colSpan || 1;
        }
      }
    }
  };

  const labelAll = () => document.querySelectorAll('main table').forEach(label);

  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      labelAll();
    });
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', labelAll);
  else labelAll();
  // Only added/removed nodes are watched, so setting data-label does not wake the observer again.
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
})();
