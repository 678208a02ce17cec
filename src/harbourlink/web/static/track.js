// The tracking page, live: every 30 s it asks the API for the same number (with the session
// cookie), moves the ship on the map and keeps every "5 min ago" current. Each truck carrying the
// cargo is followed through its trip's stream (server-sent events): the truck, its trail and its
// arrival estimate move as its positions arrive. News it cannot draw in place (new events, a ship
// or truck leaving the map's frame) shows a link that reloads the page, so nothing jumps under a
// reader's thumb. Messages come translated in the page's data attributes.
(() => {
  "use strict";
  const root = document.getElementById("track");
  if (!root) {
    return;
  }
  const PERIOD_MS = 30000;
  const data = root.dataset;
  let lastPoll = Date.now();

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function age(datetime) {
    const seconds = Math.max(0, (Date.now() - Date.parse(datetime)) / 1000);
    if (seconds < 60) {
      return data.ageNow;
    }
    if (seconds < 3600) {
      return fill(data.ageMin, { count: Math.floor(seconds / 60) });
    }
    if (seconds < 48 * 3600) {
      return fill(data.ageHour, { count: Math.floor(seconds / 3600) });
    }
    return fill(data.ageDay, { count: Math.floor(seconds / 86400) });
  }

  function refreshAges() {
    for (const element of document.querySelectorAll("time[data-age]")) {
      element.textContent = age(element.getAttribute("datetime"));
    }
  }

  function position(latitude, longitude) {
    const lat = fill(latitude >= 0 ? data.hemisphereN : data.hemisphereS, { degrees: Math.abs(latitude).toFixed(4) });
    const lon = fill(longitude >= 0 ? data.hemisphereE : data.hemisphereW, { degrees: Math.abs(longitude).toFixed(4) });
    return `${lat}, ${lon}`;
  }

  function showNews() {
    document.getElementById("track-news").hidden = false;
  }

  // The same equirectangular projection the server drew the map with (web/track_map.py).
  function project(map, latitude, longitude) {
    const frame = map.dataset;
    const lon = frame.shift === "1" && longitude < 0 ? longitude + 360 : longitude;
    return [(lon - Number(frame.west)) * Number(frame.kx), (Number(frame.north) - latitude) * Number(frame.ky)];
  }

  function moveShip(vessel) {
    const map = document.getElementById("vessel-map");
    const marker = document.getElementById("vessel-marker");
    const here = vessel.position;
    if (!map || !marker || !here) {
      if (here) {
        showNews(); // a first position arrived: the page has no map yet
      }
      return;
    }
    const ageElement = document.getElementById("vessel-position-age");
    if (Date.parse(ageElement.getAttribute("datetime")) === Date.parse(here.at)) {
      return;
    }
    const [x, y] = project(map, here.latitude, here.longitude);
    if (x < 0 || y < 0 || x > Number(map.dataset.width) || y > Number(map.dataset.height)) {
      showNews();
      return;
    }
    marker.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
    const ship = marker.querySelector("path.ship");
    if (ship && here.course !== null) {
      ship.setAttribute("transform", `rotate(${here.course})`);
    }
    const points = vessel.track.map(([lat, lon]) => project(map, lat, lon).map((v) => v.toFixed(1)).join(","));
    document.getElementById("vessel-track").setAttribute("points", points.join(" "));
    for (const element of document.querySelectorAll("time[data-position-age]")) {
      element.setAttribute("datetime", here.at);
    }
    const written = position(here.latitude, here.longitude);
    document.getElementById("vessel-position").textContent = written;
    const label = fill(data.markerLabel, { vessel: vessel.name || vessel.imo, position: written, age: age(here.at) });
    marker.setAttribute("aria-label", label);
    marker.querySelector("title").textContent = label;
    marker.dataset.latitude = String(here.latitude);
    marker.dataset.longitude = String(here.longitude);
  }

  // An event queued for the ledger is in it seconds later; its mark says so without a reload.
  function markLogged(events) {
    for (const event of events) {
      if (event.ledger && event.ledger.status === "logged") {
        const mark = root.querySelector(`a.ledger-queued[data-ledger-event="${CSS.escape(event.id)}"]`);
        if (mark) {
          mark.classList.replace("ledger-queued", "ledger-logged");
          mark.textContent = data.ledgerLogged;
        }
      }
    }
  }

  async function poll() {
    lastPoll = Date.now();
    let view;
    try {
      const response = await fetch(data.trackApi, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) {
        return; // logged out, or no longer shared: the page stays as it was
      }
      view = await response.json();
    } catch {
      return; // offline for a moment; the next round tries again
    }
    const events = view.events || [];
    const last = events.length ? events[events.length - 1].id : "";
    if (String(events.length) !== data.events || last !== data.lastEvent) {
      showNews();
    }
    markLogged(events);
    if (view.vessel) {
      moveShip(view.vessel);
    }
    refreshAges();
  }

  // Times of day as the server writes them: Hong Kong time, in the page's language.
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || "zh-HK", {
    timeZone: "Asia/Hong_Kong", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function slot(card, name) {
    return card.querySelector(`[data-slot="${name}"]`);
  }

  function showTrip(card, trip) {
    const words = card.dataset;
    slot(card, "status").textContent = words[`status${trip.status[0].toUpperCase()}${trip.status.slice(1)}`];
    const arrival = slot(card, "arrival");
    if (trip.status === "finished") {
      arrival.textContent = fill(words.delivered, { time: clock.format(new Date(trip.finished_at)) });
    } else if (trip.eta && slot(card, "arrives")) {
      slot(card, "arrives").textContent = fill(words.arrives, { time: clock.format(new Date(trip.eta.arrival)) });
      const toGo = slot(card, "to-go");
      if (toGo) {
        toGo.textContent = fill(words.toGo, { distance: trip.eta.distance_km.toFixed(1), speed: trip.eta.speed_kmh.toFixed(0) });
      }
    }
    const here = trip.position;
    const map = card.querySelector("svg");
    const marker = card.querySelector(".truck-marker");
    if (!here) {
      return;
    }
    if (!map || !marker) {
      showNews(); // a first position arrived: the card has no map yet
      return;
    }
    const [x, y] = project(map, here.lat, here.lon);
    if (x < 0 || y < 0 || x > Number(map.dataset.width) || y > Number(map.dataset.height)) {
      showNews();
      return;
    }
    marker.setAttribute("transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
    if (here.heading !== null) {
      marker.querySelector("path.heading").setAttribute("transform", `rotate(${here.heading})`);
    }
    const points = trip.positions.map((p) => project(map, p.lat, p.lon).map((v) => v.toFixed(1)).join(","));
    card.querySelector("polyline.trail").setAttribute("points", points.join(" "));
    const written = position(here.lat, here.lon);
    slot(card, "position").textContent = written;
    slot(card, "age").setAttribute("datetime", here.time);
    slot(card, "speed").textContent = here.speed_kmh === null ? "" : ` · ${fill(words.speed, { speed: here.speed_kmh.toFixed(0) })}`;
    const label = fill(words.marker, { position: written, age: age(here.time) });
    marker.setAttribute("aria-label", label);
    marker.querySelector("title").textContent = label;
    marker.dataset.latitude = String(here.lat);
    marker.dataset.longitude = String(here.lon);
    refreshAges();
  }

  for (const card of document.querySelectorAll(".truck[data-stream]")) {
    if (!window.EventSource) {
      break;
    }
    const stream = new EventSource(card.dataset.stream);
    stream.addEventListener("trip", (event) => showTrip(card, JSON.parse(event.data)));
    window.addEventListener("pagehide", () => stream.close());
  }

  setInterval(() => {
    if (document.visibilityState === "visible") {
      poll();
    }
  }, PERIOD_MS);
  // A hidden tab does not poll (every answer is a logged view of other companies' data);
  // coming back after a while asks at once.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() - lastPoll > PERIOD_MS) {
      poll();
    }
  });
})();
