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

// A message being read in the background: its progress bar follows the server's announcements
// (server-sent events, one per chunk of items), or asks every two seconds where those cannot come,
// and the outcome is said in the page's words once the message is read to the end. The words come
// from the page's data attributes, so this file holds no text.
(() => {
  "use strict";
  const card = document.getElementById("message-reading");
  if (!card) { return; }
  const bar = document.getElementById("message-progress");
  const counting = document.getElementById("message-counting");
  const statuses = JSON.parse(card.dataset.statuses);
  const tones = JSON.parse(card.dataset.tones);
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
  let source = null;
  let timer = null;

  const finish = (progress) => {
    if (source) { source.close(); }
    if (timer) { clearInterval(timer); }
    const tag = document.getElementById("message-status");
    tag.textContent = statuses[progress.status] || progress.status;
    tag.className = "tag tone-" + (tones[progress.status] || "");
    for (const key of ["accepted", "duplicates", "errors"]) {
      document.getElementById("message-" + key).textContent = String(progress[key]);
    }
    document.getElementById("message-outcome").textContent = fill(card.dataset.outcome, progress);
    document.getElementById("reading-title").textContent = card.dataset.doneTitle;
    const link = document.getElementById("message-errors-link");
    if (link) { link.hidden = progress.errors === 0; }
    document.getElementById("message-done").hidden = false;
    document.getElementById("message-wander").hidden = true;
  };

  const show = (progress) => {
    if (progress.items_total) {
      bar.max = progress.items_total;
      bar.value = progress.items_done;
      counting.textContent = fill(card.dataset.counting, { done: progress.items_done, total: progress.items_total });
    } else {
      counting.textContent = statuses[progress.status] || progress.status;
    }
    if (progress.status !== "queued" && progress.status !== "processing" && progress.status !== "received") {
      finish(progress);
    }
  };

  const poll = () => {
    if (timer) { return; }
    timer = setInterval(() => {
      fetch(card.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((answer) => (answer.ok ? answer.json() : null))
        .then((progress) => { if (progress) { show(progress); } })
        .catch(() => {});
    }, 2000);
  };

  if (!window.EventSource) { poll(); return; }
  source = new EventSource(card.dataset.stream);
  source.addEventListener("progress", (event) => show(JSON.parse(event.data)));
  // The stream ends once the message is read; an error before then falls back to asking.
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) { poll(); }
  });
  window.addEventListener("pagehide", () => { if (source) { source.close(); } });
})();
