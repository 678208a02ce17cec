// The warehouse's receive page (templates/receive/scan.html): reads a consignment's QR code with the
// phone's camera and opens the page it names. Frames go to ZXing (static/vendor/zxing, served by
// HarbourLink) a few times a second, scaled down so a cheap phone keeps up. Only a code naming a
// consignment page (/c/<token>) is followed, and always on this site: a code from elsewhere is said
// to be foreign, never opened. Words come translated in the section's data attributes.
(() => {
  "use strict";
  const box = document.getElementById("scanner");
  if (!box) {
    return;
  }
  const words = box.dataset;
  const video = document.getElementById("camera");
  const state = document.getElementById("scan-state");
  const again = document.getElementById("scan-again");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const EVERY_MS = 200;
  const MAX_SIDE = 640;
  const CONSIGNMENT = /^\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  const reader = window.ZXingBrowser ? new window.ZXingBrowser.BrowserQRCodeReader() : null;
  let stream = null;
  let timer = null;

  function say(key) {
    state.textContent = words[key];
    box.dataset.state = key;
  }

  function stop() {
    clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
    }
  }

  // The page a code names, on this site, or null when it names none of ours.
  function target(text) {
    try {
      const path = new URL(text, window.location.href).pathname;
      return CONSIGNMENT.test(path) ? path : null;
    } catch {
      return null;
    }
  }

  // The code's text in the frame on the canvas, or null when it shows none (ZXing throws then).
  function decode() {
    try {
      return reader.decodeFromCanvas(canvas).getText();
    } catch {
      return null;
    }
  }

  function look() {
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const text = decode();
      if (text) {
        const path = target(text);
        if (path) {
          say("found");
          stop();
          window.location.assign(path);
          return;
        }
        say("foreign");
      }
    }
    timer = setTimeout(look, EVERY_MS);
  }

  async function start() {
    again.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !reader) {
      say("none");
      return;
    }
    say("starting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      say("denied");
      again.hidden = false;
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    say("scanning");
    look();
  }

  again.addEventListener("click", start);
  window.addEventListener("pagehide", stop);
  start();
})();
