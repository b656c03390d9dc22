// Settings › Import: loads the chosen file into the text area, so the form posts it (no upload parsing on the server).
document.querySelectorAll('[data-import-file]').forEach((input) => {
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    const area = input.form && input.form.elements.namedItem('content');
    if (!file || !area) return;
    file.text().then((text) => { area.value = text; });
  });
});
