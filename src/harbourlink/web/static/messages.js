// Upload forms: a file over the server's limit is refused here, with the translated message the
// page carries, instead of being sent only for the server to cut it off mid-way.
(() => {
  "use strict";
  for (const form of document.querySelectorAll("form.upload[data-max-bytes]")) {
    const input = form.querySelector("input[type=file]");
    const error = form.querySelector(".field-error");
    const tooLarge = () => input.files.length > 0 && input.files[0].size > Number(form.dataset.maxBytes);
    input.addEventListener("change", () => {
      error.hidden = !tooLarge();
      input.setAttribute("aria-invalid", String(tooLarge()));
    });
    form.addEventListener("submit", (event) => {
      if (tooLarge()) {
        event.preventDefault();
        error.hidden = false;
        input.focus();
      }
    });
  }
})();
