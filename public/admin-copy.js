// Console "Copy" buttons: <button data-copy="[data-script]" data-copied="Copied"> copies the text of the element the selector names
// (a RouterOS script) to the clipboard; without the Clipboard API (plain http) it selects the text and copies it.
document.querySelectorAll('[data-copy]').forEach((button) => {
  const label = button.textContent;
  button.addEventListener('click', () => {
    const target = document.querySelector(button.getAttribute('data-copy'));
    if (!target) return;
    const done = () => {
      button.textContent = button.getAttribute('data-copied') || label;
      setTimeout(() => { button.textContent = label; }, 2000);
    };
    const fallback = () => {
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand('copy')) done();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(target.textContent).then(done, fallback);
    else fallback();
  });
});
