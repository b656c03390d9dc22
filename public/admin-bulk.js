/**
 * The bulk forms of the console's lists (views/partials/admin/bulk-bar.hbs): the header's box
 * ticks or clears every row of the page, and "select all N matching this filter" ticks the page
 * too (the server takes the whole filter either way). Event delegation on the document, so rows
 * htmx swaps in later work as well. Without this script the forms work the same, one box at a time.
 */
(() => {
  document.addEventListener('change', (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return;
    const form = box.form;
    if (!form || !form.classList.contains('bulk')) return;
    const rows = form.querySelectorAll('input[name="ids"]');
    if (box.hasAttribute('data-select-page') || box.hasAttribute('data-select-all')) {
      rows.forEach((row) => { row.checked = box.checked; });
      if (box.hasAttribute('data-select-all')) form.querySelectorAll('[data-select-page]').forEach((p) => { p.checked = box.checked; });
    } else if (box.name === 'ids' && !box.checked) {
      // Unticking one row leaves "all matching" and "this page".
      form.querySelectorAll('[data-select-all], [data-select-page]').forEach((p) => { p.checked = false; });
    }
  });
})();
