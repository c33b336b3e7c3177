// The room's soundtrack, played in step with everyone. An enhancement like live.js: without
// JavaScript the room page links the current track at its position (a media fragment) and reloads
// when the track ends.
//
// - What the room plays comes from the page (#soundtrack-now, data-*) and from every long-poll
//   answer (`soundtrack`, which live.js hands on as a "pomopomo:live" event): the track, whether it
//   plays, where it was at the moment the server answered, and a stamp that changes with every
//   play, pause, seek, skip or next track.
// - The position is computed, never ticked: where it was at the server's moment plus the time since,
//   on the server's clock. How far that clock is from ours is learnt from the answers themselves:
//   each says when it was written, and the one that took least time to arrive is the best guess
//   (answers read late, by a busy tab, only look further behind). A late joiner computes its own
//   position and never moves the room; it only ever says "I am behind".
// - Drift (the player against that position) is measured four times a second. Above 300 ms it is
//   corrected gently with playbackRate; above 3 s, or when the rate has not closed the gap in 10 s,
//   by a seek. A seek aims ahead by what our seeks take (measured), and nothing is measured while
//   one of ours is under way or settling, so our own seeks are never taken for drift (which loops).
// - The timer's phase and the room's mode set the volume (data-focus-volume during focus).
// - Who is behind: a listener more than a second behind says so now and then (data-report-ms) and
//   once when back in step; the host's and DJs' pages show who.
(function () {
  "use strict";

  var LISTEN_KEY = "pomopomo.soundtrack";
  var DRIFT_MS = 300;        // corrected above this
  var IN_STEP_MS = 60;       // a rate correction stops below this
  var SEEK_MS = 3000;        // too far for the rate: seek
  var RATE_GIVE_UP_MS = 10000;
  var SETTLE_MS = 800;       // after a seek of ours, before drift is measured again
  var BEHIND_MS = 1000;      // worth telling the host
  var LOOK_EVERY_MS = 10000; // the host's look at who is behind

  var audio = null;     // one element for the page's life, outside #main (form answers replace #main)
  var state = null;     // what the room plays: its position at serverNowMs
  var offsets = [];     // recent (server clock - our clock) samples; the largest is the least delayed
  var pageEl = null;    // the #soundtrack-now last read
  var wanted = null;    // {stamp, entry} the player was last set for
  var seekStarted = 0;  // a seek of ours under way since (0: none)
  var pendingSeek = false; // a seek waiting for the new track's metadata
  var settleUntil = 0;
  var seekCostMs = 150; // how long our seeks take to play again (measured, smoothed)
  var lastSeekAt = 0;
  var rateSince = 0;    // a rate correction running since (0: none)
  var blocked = false;  // the browser refused to play before a click
  var reported = { at: 0, behind: false };
  var lookedAt = 0;
  var fetchingSection = false;

  function now() { return performance.now(); }

  // Our clock in epoch milliseconds, monotonic (Date.now() may jump).
  function wall() { return performance.timeOrigin + performance.now(); }

  function learnOffset(serverNowMs, receivedAt) {
    if (!(serverNowMs > 0)) return;
    offsets.push(serverNowMs - receivedAt);
    if (offsets.length > 16) offsets.shift();
  }

  function serverNow() { return wall() + Math.max.apply(null, offsets.length ? offsets : [0]); }

  function room() { return document.getElementById("room"); }

  function listening() {
    try { return localStorage.getItem(LISTEN_KEY) !== "off"; } catch (e) { return true; }
  }

  function setListening(on) {
    try { localStorage.setItem(LISTEN_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  // ---- State -----------------------------------------------------------------------------------

  function fromPage(el, receivedAt) {
    var runs = el.getAttribute("data-runs") === "true";
    var serverNowMs = Number(el.getAttribute("data-server-now")) || 0;
    learnOffset(serverNowMs, receivedAt);
    return {
      version: Number(el.getAttribute("data-version")) || 0,
      entry: el.getAttribute("data-entry") || "",
      src: el.getAttribute("data-src") || "",
      playing: el.getAttribute("data-playing") === "true",
      positionMs: Number(el.getAttribute("data-position-ms")) || 0,
      durationMs: Number(el.getAttribute("data-duration-ms")) || 0,
      stamp: el.getAttribute("data-stamp") || "",
      focusVolume: Number(el.getAttribute("data-focus-volume")),
      runs: runs,
      renderedRuns: runs,
      reportMs: Number(el.getAttribute("data-report-ms")) || 10000,
      serverNowMs: serverNowMs
    };
  }

  function fromPoll(data, receivedAt) {
    var s = data.soundtrack;
    learnOffset(s.server_now_ms, receivedAt);
    var r = room();
    var me = r ? r.getAttribute("data-me") : "";
    var runs = !!me && (data.host === me || (s.djs || []).indexOf(me) >= 0);
    return {
      version: data.version,
      entry: s.entry || "",
      src: s.src || "",
      playing: !!s.playing,
      positionMs: s.position_ms || 0,
      durationMs: s.duration_ms || 0,
      stamp: s.stamp || "",
      focusVolume: Number(s.focus_volume),
      runs: runs,
      renderedRuns: state ? state.renderedRuns : runs,
      reportMs: state ? state.reportMs : 10000,
      serverNowMs: s.server_now_ms || 0
    };
  }

  // Where the room is now, in milliseconds into the current track.
  function roomPosition() {
    if (!state || !state.entry) return 0;
    var ms = state.positionMs + (state.playing ? serverNow() - state.serverNowMs : 0);
    return Math.max(0, Math.min(ms, state.durationMs));
  }

  function take(next) {
    if (state && next.version < state.version) return; // an older answer than what we hold
    state = next;
    var changed = !wanted || wanted.stamp !== next.stamp || wanted.entry !== next.entry;
    if (changed) sync();
    showListen();
    // The host made me DJ (or took it back): my section must carry the controls (or lose them).
    if (next.runs !== next.renderedRuns) refetchSection();
  }

  // The first page's state arrived with the page: time it from the navigation's response.
  function readPage(first) {
    var el = document.getElementById("soundtrack-now");
    if (!el || el === pageEl) return;
    pageEl = el;
    var receivedAt = wall();
    if (first && performance.getEntriesByType) {
      var nav = performance.getEntriesByType("navigation")[0];
      if (nav && nav.responseStart > 0) receivedAt = performance.timeOrigin + nav.responseStart;
    }
    take(fromPage(el, receivedAt));
  }

  // ---- The player ------------------------------------------------------------------------------

  function player() {
    if (audio) return audio;
    audio = document.createElement("audio");
    audio.id = "soundtrack-audio";
    audio.preload = "auto";
    audio.hidden = true;
    document.body.appendChild(audio);
    audio.addEventListener("seeked", function () {
      if (!seekStarted) return;
      // How long our seek took: aim that much further ahead next time.
      var cost = now() - seekStarted;
      seekCostMs = Math.max(0, Math.min(1500, seekCostMs * 0.5 + cost * 0.5));
      seekStarted = 0;
      settleUntil = now() + SETTLE_MS;
    });
    audio.addEventListener("loadedmetadata", function () {
      // Before its metadata a media element may ignore a new time: the seek waited for it.
      if (!pendingSeek || !state) return;
      pendingSeek = false;
      seekTo(roomPosition() + (state.playing ? seekCostMs : 0));
    });
    return audio;
  }

  // The room changed what plays (a new track, a seek, play or pause): set the player to it.
  function sync() {
    if (!state) return;
    wanted = { stamp: state.stamp, entry: state.entry };
    var a = player();
    rateSince = 0;
    a.playbackRate = 1;
    if (!state.entry || !state.src) {
      a.pause();
      a.removeAttribute("src");
      a.removeAttribute("data-src");
      return;
    }
    if (!listening()) { a.pause(); return; } // nothing is fetched for someone not listening
    if (a.getAttribute("data-src") !== state.src) {
      a.setAttribute("data-src", state.src);
      a.src = state.src;
      a.load();
    }
    seekTo(roomPosition() + (state.playing ? seekCostMs : 0));
    if (state.playing) play(); else a.pause();
  }

  function seekTo(ms) {
    var a = player();
    seekStarted = state && state.playing ? now() : 0;
    lastSeekAt = now();
    rateSince = 0;
    a.playbackRate = 1;
    if (a.readyState < 1) {
      pendingSeek = true;
      seekStarted = 0;
      return;
    }
    a.currentTime = Math.min(ms, state.durationMs) / 1000;
  }

  function play() {
    var played = player().play();
    if (played && played.catch) {
      played.then(function () { blocked = false; showListen(); }, function (error) {
        // A newer load or pause interrupted this play (AbortError): the next tick plays again.
        if (!error || error.name !== "NotAllowedError") return;
        // The browser wants a click first: the "Listen along" button is it.
        blocked = true;
        seekStarted = 0;
        showListen();
      });
    }
  }

  function volume() {
    var timer = document.querySelector("#timer .timer-state");
    var status = timer ? timer.getAttribute("data-status") : "";
    var focus = !!timer && timer.getAttribute("data-kind") === "focus" && (status === "running" || status === "paused");
    var v = focus && isFinite(state.focusVolume) ? state.focusVolume : 1;
    return Math.max(0, Math.min(1, v));
  }

  // Four times a second: keep the player where the room is, gently.
  function tick() {
    readPage(false);
    showTime();
    if (!state || !audio || !listening() || !state.entry) return;
    audio.volume = volume();
    if (!state.playing) return;
    var t = now();
    if (seekStarted && t - seekStarted > 5000) seekStarted = 0; // a seek that never reported back
    if (seekStarted || pendingSeek || t < settleUntil || audio.seeking) return; // our own seek: not drift
    var target = roomPosition();
    if (target >= state.durationMs) return; // the track ended; the sweeper's next one comes by poll
    if (blocked || audio.ended) return; // not listening until a click; or ahead, at the end: the next track comes by poll
    if (audio.paused || audio.readyState < 3) {
      if (audio.paused) play();
      report(target - audio.currentTime * 1000);
      return;
    }
    var drift = audio.currentTime * 1000 - target; // > 0: ahead of the room
    var size = Math.abs(drift);
    if ((size > SEEK_MS && t - lastSeekAt > 2000) || (rateSince && t - rateSince > RATE_GIVE_UP_MS)) {
      seekTo(target + seekCostMs);
    } else if (size > DRIFT_MS || (rateSince && size > IN_STEP_MS)) {
      if (!rateSince) rateSince = t;
      // 2 % to 10 % faster or slower, by how far: half a second closes in about five, unheard.
      var step = Math.max(0.02, Math.min(0.1, size / 5000));
      audio.playbackRate = drift > 0 ? 1 - step : 1 + step;
    } else if (rateSince) {
      rateSince = 0;
      audio.playbackRate = 1;
    }
    report(-drift);
  }

  // ---- Who is behind -------------------------------------------------------------------------

  function report(behindMs) {
    var r = room();
    if (!r || !r.getAttribute("data-me")) return;
    var behind = behindMs > BEHIND_MS;
    var t = now();
    if (behind ? t - reported.at < state.reportMs : !reported.behind) return;
    reported = { at: t, behind: behind };
    post("/r/" + encodeURIComponent(r.getAttribute("data-code")) + "/soundtrack/behind",
      { behind_ms: behind ? String(Math.round(Math.min(behindMs, 86400000))) : "0" });
  }

  function post(url, fields) {
    var r = room();
    var body = new URLSearchParams(fields);
    body.append("csrf", r.getAttribute("data-csrf") || "");
    fetch(url, { method: "POST", body: body, credentials: "same-origin" }).catch(function () { /* next time */ });
  }

  function lookWhoIsBehind() {
    var el = document.getElementById("soundtrack-behind");
    var r = room();
    if (!el || !r || !state || !state.runs || !state.playing || now() - lookedAt < LOOK_EVERY_MS) return;
    lookedAt = now();
    fetch("/r/" + encodeURIComponent(r.getAttribute("data-code")) + "/soundtrack/behind", {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status !== 200) return;
      return response.json().then(function (data) {
        var shown = document.getElementById("soundtrack-behind");
        if (!shown) return;
        shown.hidden = false;
        if (!data.behind) { shown.textContent = "Everyone listening is in step."; return; }
        var names = data.listeners.map(function (l) { return l.name + " (" + (l.behind_ms / 1000).toFixed(1) + " s)"; });
        var more = data.behind - names.length;
        shown.textContent = (data.behind === 1 ? "1 listener is" : data.behind + " listeners are") + " behind: " +
          names.join(", ") + (more > 0 ? " and " + more + " more" : "") + ".";
      });
    }).catch(function () { /* the next look */ });
  }

  // ---- The section -----------------------------------------------------------------------------

  function clock(ms) {
    var s = Math.floor(ms / 1000);
    var m = Math.floor(s / 60);
    return m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function showTime() {
    var el = document.getElementById("soundtrack-time");
    if (!el || !state || !state.entry) return;
    el.hidden = false;
    var text = clock(roomPosition()) + " / " + clock(state.durationMs);
    if (el.textContent !== text) el.textContent = text;
    lookWhoIsBehind();
  }

  function showListen() {
    var button = document.getElementById("soundtrack-listen");
    if (!button) return;
    button.hidden = !state || !state.entry;
    var on = listening() && !blocked;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "Stop listening" : "Listen along";
  }

  // Only my section, refetched: a DJ gains or loses the controls without the page reloading.
  function refetchSection() {
    var r = room();
    if (fetchingSection || !r) return;
    fetchingSection = true;
    fetch("/r/" + encodeURIComponent(r.getAttribute("data-code")), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("soundtrack");
        var section = document.getElementById("soundtrack");
        var freshNow = doc.getElementById("soundtrack-now");
        var oldNow = document.getElementById("soundtrack-now");
        if (!fresh || !section || !freshNow || !oldNow) return;
        section.innerHTML = fresh.innerHTML;
        var token = r.getAttribute("data-csrf") || "";
        Array.prototype.forEach.call(section.querySelectorAll('input[name="csrf"]'), function (i) { if (!i.value) i.value = token; });
        oldNow.parentNode.replaceChild(document.importNode(freshNow, true), oldNow);
        readPage(false);
      })
      .catch(function () { /* the next answer tries again */ })
      .then(function () { fetchingSection = false; });
  }

  function start() {
    if (!document.getElementById("soundtrack-now")) return; // not a room page
    readPage(true);
    showListen();
    document.addEventListener("pomopomo:live", function (event) {
      var data = event.detail;
      if (data && data.soundtrack) take(fromPoll(data, wall()));
    });
    // Form answers replace #main (live.js): read the new page's state at once, not a tick later.
    var main = document.getElementById("main");
    if (main && window.MutationObserver) {
      new MutationObserver(function () { readPage(false); showListen(); }).observe(main, { childList: true });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-soundtrack-listen]") : null;
      if (!button) return;
      var on = !(listening() && !blocked);
      setListening(on);
      blocked = false;
      wanted = null; // set the player again, within this click (which browsers accept as consent)
      if (on && state) take(state);
      else if (audio) audio.pause();
      showListen();
    });
    setInterval(tick, 250);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
