// Registers the service worker so the shell installs and an offline page is available.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // The site works without it; installing is a convenience.
    });
  });
}
