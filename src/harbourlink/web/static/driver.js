// The driver's phone, sharing the truck's position while a trip runs (templates/driver/trip.html).
// Each position is kept in this phone's storage with the time it was taken, then the queue is sent
// to the trip's positions API with the session cookie and the CSRF token. A send that fails (no
// network, an answer lost on the way) leaves the queue as it was, and it is sent again later: the
// server stores a trip's position at a given time once, so nothing is lost and nothing doubled.
// Words come translated in the section's data attributes.
(() => {
  "use strict";
  const box = document.getElementById("sharing");
  if (!box || !window.localStorage || !window.fetch) {
    return;
  }
  const data = box.dataset;
  const KEY = `harbourlink.trip.${data.trip}.positions`;
  const BATCH = 500;
  const RETRY_MS = 10000;
  const MIN_GAP_MS = 5000;
  const MIN_MOVE_M = 25;
  const gps = document.getElementById("gps-state");
  const state = document.getElementById("queue-state");
  let sending = null;
  let stopped = false;
  let lastKept = null;
  let lastSent = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || "[]");
    } catch {
      return [];
    }
  }

  function save(queue) {
    if (queue.length) {
      localStorage.setItem(KEY, JSON.stringify(queue));
    } else {
      localStorage.removeItem(KEY);
    }
  }

  // Times of day as the server writes them: Hong Kong time, in the page's language.
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || "zh-HK", {
    timeZone: "Asia/Hong_Kong", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function showQueue() {
    const waiting = load().length;
    box.dataset.queued = String(waiting);
    if (stopped) {
      box.dataset.state = "stopped";
      state.textContent = data.refused;
    } else if (waiting) {
      box.dataset.state = "waiting";
      state.textContent = fill(data.waiting, { count: waiting });
    } else if (lastSent) {
      box.dataset.state = "sent";
      state.textContent = fill(data.sent, { time: clock.format(lastSent) });
    }
  }

  function metres(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLon = (b.lon - a.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 12742000 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function number(value) {
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  }

  async function post(batch) {
    const answer = await fetch(data.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": data.csrf },
      body: JSON.stringify(batch),
    });
    if (answer.status === 201) {
      // Stored, already stored, or refused for good (a position after the trip's end): off the queue.
      const sent = new Set(batch.map((fix) => fix.time));
      save(load().filter((fix) => !sent.has(fix.time)));
      lastSent = new Date();
      return true;
    }
    if ([401, 403, 404].includes(answer.status)) {
      stopped = true; // logged out, or the trip is no longer this driver's: keep the queue for later
    }
    return false;
  }

  // Sends the queue, oldest first, one batch after another.
  async function flush() {
    try {
      let queue = load();
      while (queue.length && !stopped && (await post(queue.slice(0, BATCH)))) {
        queue = load();
      }
    } catch {
      // no network: the queue waits for the next round
    }
  }

  // One send at a time; a caller may wait for the one under way.
  function send() {
    if (!sending && !stopped) {
      sending = flush().finally(() => {
        sending = null;
        showQueue();
      });
    }
    return sending || Promise.resolve();
  }

  function keep(position) {
    const c = position.coords;
    gps.textContent = fill(data.gpsOk, { metres: Math.round(c.accuracy) });
    const fix = {
      time: new Date(position.timestamp).toISOString(), lat: c.latitude, lon: c.longitude,
      accuracy: number(c.accuracy), speed: number(c.speed), heading: number(c.heading),
    };
    if (lastKept && Date.parse(fix.time) - Date.parse(lastKept.time) < MIN_GAP_MS && metres(lastKept, fix) < MIN_MOVE_M) {
      return;
    }
    const queue = load();
    if (!queue.some((queued) => queued.time === fix.time)) {
      queue.push(fix);
      save(queue);
    }
    lastKept = fix;
    showQueue();
    send();
  }

  // A phone on the dashboard keeps its screen on while it shares the position, where the browser allows it.
  async function stayAwake() {
    if (navigator.wakeLock && document.visibilityState === "visible") {
      try {
        await navigator.wakeLock.request("screen");
      } catch {
        // refused (battery saver): the page still works while the screen is on
      }
    }
  }

  if (data.watch === "1" && navigator.geolocation) {
    navigator.geolocation.watchPosition(keep, (error) => {
      if (error.code === error.PERMISSION_DENIED) {
        gps.textContent = data.gpsDenied;
      }
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
    stayAwake();
    document.addEventListener("visibilitychange", stayAwake);
  }

  // Ending the trip sends what is still queued first, so the last stretch arrives before the end.
  const finish = document.getElementById("finish-form");
  if (finish) {
    finish.addEventListener("submit", (event) => {
      if (load().length && navigator.onLine) {
        event.preventDefault();
        send().then(() => finish.submit());
      }
    });
  }

  window.addEventListener("online", send);
  setInterval(send, RETRY_MS);
  showQueue();
  send();
})();
