// The application form: the password's strength as the server judges it (its rule is in the page),
// and, before sending, every field that is cheap to check — all of them at once, each next to its
// field, in the words the page carries. The server checks everything again.
(() => {
  "use strict";
  const form = document.querySelector("form.signup[data-words]");
  if (!form) return;
  const words = JSON.parse(form.dataset.words);
  const rule = words.rule;
  const password = form.elements["applicant.password"];
  const again = form.elements["applicant.password_confirm"];
  const verdict = document.getElementById("f-applicant-password-verdict");

  const strong = (value) =>
    [...value].length >= rule.minLength &&
    rule.classes.filter((pattern) => new RegExp(pattern, "u").test(value)).length >= rule.classesNeeded;
  const kind = () => (form.querySelector("input[name=account_kind]:checked") || {}).value || "company";
  const shown = (element) => {
    const part = element.closest(".company-only, .driver-only");
    return !part || part.classList.contains(`${kind()}-only`);
  };
  const idOf = (name) => `f-${name.replaceAll(".", "-")}`;

  const clear = (name) => {
    const error = document.getElementById(`${idOf(name)}-error`);
    if (error) error.remove();
    const input = form.elements[name];
    const field = (input instanceof RadioNodeList ? input[0] : input)?.closest(".field");
    if (field) field.classList.remove("invalid");
    if (input && !(input instanceof RadioNodeList)) input.removeAttribute("aria-invalid");
  };
  const show = (name, message) => {
    clear(name);
    const input = form.elements[name];
    const first = input instanceof RadioNodeList ? input[0] : input;
    const field = first.closest(".field");
    const error = document.createElement("p");
    error.className = "field-error";
    error.id = `${idOf(name)}-error`;
    error.textContent = message;
    field.classList.add("invalid");
    field.append(error);
    if (!(input instanceof RadioNodeList)) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
    }
    if (input === password) verdict.hidden = true;  // the error says it; typing again brings the verdict back
  };

  const judge = () => {
    const value = password.value;
    verdict.hidden = value === "";
    verdict.textContent = strong(value) ? words.strong : words.weak;
    verdict.classList.toggle("ok", strong(value));
  };
  password.addEventListener("input", judge);

  const problems = () => {
    const found = new Map();
    for (const input of form.querySelectorAll("input[required]")) {
      if (shown(input) && !input.value.trim()) found.set(input.name, words.required);
    }
    for (const input of form.querySelectorAll("input[type=email]")) {
      if (shown(input) && input.value.trim() && input.validity.typeMismatch) found.set(input.name, words.email);
    }
    const email = form.elements["applicant.email"];
    if (kind() === "company" && !email.value.trim()) found.set(email.name, words.companyEmail);
    if (kind() === "company" && !form.querySelector("input[name=types]:checked")) found.set("types", words.types);
    if (password.value && !strong(password.value)) found.set(password.name, words.weak);
    if (again.value && again.value !== password.value) found.set(again.name, words.mismatch);
    return found;
  };

  form.addEventListener("input", (event) => {
    const name = event.target.name;
    if (name && document.getElementById(`${idOf(name)}-error`)) clear(name);
  });
  form.addEventListener("submit", (event) => {
    const found = problems();
    if (found.size === 0) return;
    event.preventDefault();
    for (const error of form.querySelectorAll(".field-error")) error.remove();
    for (const field of form.querySelectorAll(".field.invalid")) field.classList.remove("invalid");
    for (const [name, message] of found) show(name, message);
    let summary = document.querySelector("main .alert");
    if (!summary) {
      summary = document.createElement("p");
      summary.className = "alert";
      summary.setAttribute("role", "alert");
      form.before(summary);
    }
    summary.textContent = words.summary;
    const first = form.elements[found.keys().next().value];
    (first instanceof RadioNodeList ? first[0] : first).focus();
  });
})();
