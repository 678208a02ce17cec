// HarbourLink service worker: keeps the static shell and an offline page, never personal pages.
const CACHE = "harbourlink-shell-__VERSION__";
const SHELL = [
  "/offline",
  "/static/app.css?v=__VERSION__",
  "/static/app.js?v=__VERSION__",
  "/static/driver.js?v=__VERSION__",
  "/static/icons/icon.svg?v=__VERSION__",
  "/static/icons/icon-192.png?v=__VERSION__",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Pages carry personal data: always from the network; the offline page only when it fails.
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
