/* Live alerts: listens to /api/v1/alerts/stream (server-sent events) and keeps the page's list
 * current without a reload. Items are cloned from the page's <template id="alert-template"> and
 * named with the words in <script id="alert-words"> (the page's language), so this file holds no
 * text. On the tracking page the list holds only alerts about the references shown there
 * (data-subjects); in the inbox, every alert of the person. */
(function () {
  "use strict";
  var list = document.getElementById("alert-list");
  var template = document.getElementById("alert-template");
  var wordsNode = document.getElementById("alert-words");
  if (!list || !template || !wordsNode || !window.EventSource) { return; }
  var words = JSON.parse(wordsNode.textContent);
  var live = document.getElementById("alerts-live");
  var empty = document.getElementById("alerts-empty");
  var subjects = list.dataset.subjects ? list.dataset.subjects.split(" ") : null;
  var lang = document.documentElement.lang || "zh-HK";

  function when(iso) {
    try {
      return new Date(iso).toLocaleString(lang, { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Hong_Kong" });
    } catch (e) {
      return iso;
    }
  }

  function slot(node, name) { return node.querySelector('[data-slot="' + name + '"]'); }

  function fillFigures(dl, figures) {
    dl.textContent = "";
    words.figures.forEach(function (pair) {
      var value = figures[pair[0]];
      if (value === null || value === undefined) { return; }
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = pair[1];
      dd.textContent = /^\d{4}-\d\d-\d\dT/.test(String(value)) ? when(value) : String(value);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
  }

  function fill(node, alert) {
    node.id = "alert-" + alert.id;
    node.dataset.alertId = alert.id;
    node.dataset.updated = alert.updated_at;
    node.dataset.type = alert.alert_type;
    slot(node, "type").textContent = words.types[alert.alert_type] || alert.alert_type;
    var subject = slot(node, "subject");
    subject.textContent = alert.subject;
    subject.setAttribute("href", "/track/" + encodeURIComponent(alert.subject));
    var status = slot(node, "status");
    status.textContent = words.statuses[alert.status] || alert.status;
    status.className = "tag tone-" + (words.tones[alert.status] || "");
    slot(node, "opened").textContent = when(alert.opened_at);
    fillFigures(slot(node, "figures"), alert.figures || {});
    var acknowledge = slot(node, "acknowledge");
    acknowledge.setAttribute("action", "/alerts/" + alert.id + "/acknowledge");
    acknowledge.hidden = alert.status !== "open";
    slot(node, "resolve").setAttribute("action", "/alerts/" + alert.id + "/resolve");
  }

  function refreshEmpty() {
    if (empty) { empty.hidden = list.querySelector(".alert-item") !== null; }
    if (list.dataset.hideEmpty !== undefined) { list.closest("section").hidden = list.querySelector(".alert-item") === null; }
  }

  function show(alert) {
    if (subjects && subjects.indexOf(alert.subject) < 0) { return; }
    var existing = document.getElementById("alert-" + alert.id);
    if (existing && existing.dataset.updated === alert.updated_at) { return; }
    if (alert.status === "resolved") {
      if (existing) { existing.remove(); }
    } else {
      var node = existing || template.content.querySelector(".alert-item").cloneNode(true);
      fill(node, alert);
      if (!existing) { list.insertBefore(node, list.firstChild); }
    }
    refreshEmpty();
  }

  var source = new EventSource(list.dataset.stream);
  source.addEventListener("alert", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("open", function () { if (live) { live.textContent = live.dataset.live; } });
  source.addEventListener("error", function () { if (live) { live.textContent = live.dataset.offline; } });
  window.addEventListener("pagehide", function () { source.close(); });
}());
