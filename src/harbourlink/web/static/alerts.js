/* Live alerts: listens to /api/v1/alerts/stream (server-sent events) and keeps the page's list
 * current without a reload. Each changed alert is fetched as the server renders it
 * (/alerts/<id>/item, in the page's language, with its CSRF-protected buttons), so this file holds
 * no text. The list's data attributes say what belongs in it: on the tracking page only open alerts
 * about the references shown there (data-subjects); in the history every status unless filtered
 * (data-statuses, data-types), resolved ones kept (data-keep-resolved). */
(function () {
  "use strict";
  var list = document.getElementById("alert-list");
  if (!list || !window.EventSource || !window.fetch) { return; }
  var live = document.getElementById("alerts-live");
  var empty = document.getElementById("alerts-empty");
  function words(name) { return list.dataset[name] ? list.dataset[name].split(" ") : null; }
  var subjects = words("subjects");
  var statuses = words("statuses");
  var types = words("types");
  var keepResolved = list.dataset.keepResolved !== undefined;

  function refreshEmpty() {
    var none = list.querySelector(".alert-item") === null;
    if (empty) { empty.hidden = !none; }
    if (list.dataset.hideEmpty !== undefined) { list.closest("section").hidden = none; }
  }

  function belongs(alert) {
    if (subjects && subjects.indexOf(alert.subject) < 0) { return false; }
    if (statuses && statuses.indexOf(alert.status) < 0) { return false; }
    if (types && types.indexOf(alert.alert_type) < 0) { return false; }
    return keepResolved || alert.status !== "resolved";
  }

  function place(html, alert) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var node = holder.content.querySelector(".alert-item");
    var existing = document.getElementById("alert-" + alert.id);
    if (!node || (existing && existing.dataset.updated === node.dataset.updated)) { return; }
    if (existing) { existing.replaceWith(node); } else { list.insertBefore(node, list.firstChild); }
    refreshEmpty();
  }

  function show(alert) {
    var existing = document.getElementById("alert-" + alert.id);
    if (existing && existing.dataset.updated === alert.updated_at) { return; }
    if (!belongs(alert)) {
      if (existing) { existing.remove(); refreshEmpty(); }
      return;
    }
    var url = "/alerts/" + encodeURIComponent(alert.id) + "/item?back=" + encodeURIComponent(list.dataset.back || "/alerts");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html) { place(html, alert); } })
      .catch(function () { if (live) { live.textContent = live.dataset.offline; } });
  }

  var source = new EventSource(list.dataset.stream);
  source.addEventListener("alert", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("open", function () { if (live) { live.textContent = live.dataset.live; } });
  source.addEventListener("error", function () { if (live) { live.textContent = live.dataset.offline; } });
  window.addEventListener("pagehide", function () { source.close(); });
}());
