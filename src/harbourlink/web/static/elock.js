/* The customs console and a sealed trip's replay.
 * Console: listens to /api/v1/elock/console/stream (server-sent events, authenticated by the session cookie);
 * on each change it fetches the live part as the server renders it (/elock/console/live, in the page's
 * language, with its CSRF-protected buttons) and puts it in place, so this file holds no words.
 * Replay: a slider moves the truck along its trail, with the server's projection (data-points holds each
 * fix's time and x, y on the map), and marks the lock changes and alerts up to that moment. */
(function () {
  "use strict";

  var live = document.getElementById("elock-live");
  if (live && window.EventSource && window.fetch) {
    var status = document.getElementById("elock-live-status");
    var say = function (name) { if (status) { status.textContent = status.dataset[name]; } };
    var refresh = function () {
      fetch(live.dataset.fragment, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) { if (html !== null) { live.innerHTML = html; } })
        .catch(function () { say("offline"); });
    };
    var source = new EventSource(live.dataset.stream);
    source.addEventListener("console", refresh);
    source.addEventListener("open", function () { say("live"); });
    source.addEventListener("error", function () { say("offline"); });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  var replay = document.getElementById("elock-replay");
  if (replay) {
    var points = JSON.parse(replay.dataset.points);
    var slider = document.getElementById("elock-replay-time");
    var marker = document.getElementById("elock-replay-marker");
    var at = document.getElementById("elock-replay-at");
    var events = document.querySelectorAll("#elock-replay-events li[data-at]");
    var clock = new Intl.DateTimeFormat(document.documentElement.lang || "zh-HK", {
      timeZone: "Asia/Hong_Kong", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    });
    var show = function () {
      var point = points[Number(slider.value)];
      var moment = Date.parse(point[0]);
      marker.setAttribute("transform", "translate(" + point[1] + " " + point[2] + ")");
      at.textContent = clock.format(new Date(moment));
      events.forEach(function (item) { item.classList.toggle("later", Date.parse(item.dataset.at) > moment); });
    };
    slider.addEventListener("input", show);
  }
}());
