/* The road part of the driver's jobs, kept current without a reload: listens to /api/v1/road/stream
 * (server-sent events; each `road` event carries the version of what the page would show now) and,
 * when it differs from the part on the page, fetches the part as the server renders it (/trips/road,
 * in the page's language) and puts it in place. So customs' GO or INSPECT, a crossing and a reminder
 * to bind reach the cab as they happen, and this file holds no text. */
(function () {
  "use strict";
  var part = document.getElementById("road-live");
  if (!part || !window.EventSource || !window.fetch) { return; }
  var wanted = null;

  function refresh() {
    fetch(part.dataset.part, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.getElementById("road-live");
        if (fresh) { part.replaceWith(fresh); part = fresh; }
      })
      .catch(function () { return null; });
  }

  var source = new EventSource(part.dataset.stream);
  source.addEventListener("road", function (event) {
    wanted = JSON.parse(event.data).version;
    if (wanted !== part.dataset.version) { refresh(); }
  });
  window.addEventListener("pagehide", function () { source.close(); });
}());
