// The phone simulator: a keypad that calls the hotline through /ivr/simulator/calls, the same call
// machine as the telephony provider's webhook. Each turn's clips are played one after the other and
// written in the transcript (numbers as digits, so a UBR can be read off the screen). An entry ends
// with # or, as on a real line, when the caller stops pressing keys for the turn's timeout; a menu
// takes one key.
(function () {
  "use strict";
  const box = document.getElementById("phone");
  if (!box) return;
  const data = box.dataset;
  const shown = document.getElementById("phone-keys");
  const transcript = document.getElementById("transcript");
  const callButton = document.getElementById("phone-call");
  const silence = document.getElementById("phone-silence");
  const hangup = document.getElementById("phone-hangup");
  const keys = Array.from(box.querySelectorAll(".key"));
  const SECRET_PROMPTS = new Set(["enter_password", "enter_code"]);
  let call = null; // { id, gather, secret }
  let keyed = "";
  let timer = null;
  let player = null;

  function line(who, text, kind) {
    const item = document.createElement("li");
    item.className = kind;
    const name = document.createElement("strong");
    name.textContent = who + ": ";
    item.append(name, document.createTextNode(text));
    transcript.append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function words(clips) {
    let text = "";
    for (const clip of clips) {
      const digit = clip.prompt.startsWith("digit_");
      text += digit ? clip.prompt.slice(6) : (text ? " " : "") + clip.text + " ";
    }
    return text.replace(/\s+/g, " ").trim();
  }

  function stopAudio() {
    if (player) {
      player.pause();
      player = null;
    }
  }

  // Plays the clips in turn; the gather's timeout starts once they are said, as on a real line.
  function play(clips, then) {
    const queue = clips.map((clip) => clip.audio);
    const next = () => {
      const url = queue.shift();
      if (!url) {
        player = null;
        then();
        return;
      }
      player = new Audio(url);
      player.onended = next;
      player.onerror = next;
      player.play().catch(next);
    };
    next();
  }

  function armTimer() {
    clearTimeout(timer);
    if (call && call.gather) {
      timer = setTimeout(() => send(keyed || null), call.gather.timeout * 1000);
    }
  }

  function enable(on) {
    keys.forEach((key) => (key.disabled = !on));
    silence.disabled = !on;
    hangup.disabled = !on;
    callButton.disabled = on;
  }

  function show(turn) {
    const last = turn.clips.length ? turn.clips[turn.clips.length - 1].prompt : "";
    call = { id: turn.call_id, gather: turn.gather, secret: SECRET_PROMPTS.has(last) };
    line(data.hotline, words(turn.clips), "hotline");
    if (!turn.gather) {
      end();
    }
    play(turn.clips, armTimer);
  }

  function end() {
    clearTimeout(timer);
    if (call) line(data.hotline, data.ended, "ended");
    call = null;
    keyed = "";
    shown.textContent = "";
    enable(false);
    box.dataset.state = "ended";
  }

  async function post(url, body) {
    const answer = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": data.csrf },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(String(answer.status));
    return answer.json();
  }

  async function send(digits) {
    if (!call) return;
    clearTimeout(timer);
    stopAudio();
    const secret = call.secret && digits;
    line(data.you, digits === null ? "…" : secret ? "•".repeat(digits.length) : digits, "caller");
    keyed = "";
    shown.textContent = "";
    try {
      show(await post(`${data.api}/${call.id}/keys`, { digits }));
    } catch (error) {
      line(data.hotline, data.failed, "ended");
      end();
    }
  }

  function press(key) {
    if (!call || !call.gather) return;
    stopAudio();
    if (key === "#" && call.gather.until_hash) {
      send(keyed);
      return;
    }
    keyed += key;
    shown.textContent = call.secret ? "•".repeat(keyed.length) : keyed;
    if (call.gather.num_digits && keyed.length >= call.gather.num_digits) {
      send(keyed);
      return;
    }
    armTimer();
  }

  callButton.addEventListener("click", async () => {
    transcript.replaceChildren();
    box.dataset.state = "calling";
    enable(true);
    try {
      show(await post(data.api, {}));
    } catch (error) {
      line(data.hotline, data.failed, "ended");
      end();
    }
  });
  keys.forEach((key) => key.addEventListener("click", () => press(key.dataset.key)));
  silence.addEventListener("click", () => send(null));
  hangup.addEventListener("click", () => {
    stopAudio();
    end();
  });
})();
