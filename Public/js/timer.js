// The personal timer page (/timer). An enhancement only: without JavaScript the page works by
// its forms and a <noscript> refresh when the segment ends.
//
// - Countdown: #ptimer-clock and the tab title ("12:34 · Focus") from the absolute end the
//   server gave (data-ends-at) against its clock (data-server-now), so a skewed local clock
//   does not matter.
// - When a running segment reaches zero: the chime if the person's timer settings have sound
//   on (data-sound), and a browser notification if they turned notifications on (data-notify)
//   and allowed them with the button on the page.
// - Long-poll: article[data-ptimer-poll] is followed; when the timer's version moves (another
//   tab or device, the sweeper ending a segment), the page's #main is fetched again and put in
//   place, so controls always carry the version they act on.
(function () {
  "use strict";

  var CHIME_URL = "/static/audio/chime.wav";
  var CHIME_LATE_MS = 60000; // a segment that ended longer ago than this (a waking laptop) ends silently
  var state = null;
  var audio = null;
  var polling = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function root() { return document.getElementById("ptimer"); }

  function read() {
    var el = document.getElementById("ptimer-state");
    if (!el) return null;
    var now = Number(el.getAttribute("data-server-now")) || Date.now();
    var remaining = Number(el.getAttribute("data-remaining-ms")) || 0;
    var s = {
      status: el.getAttribute("data-status"),
      phase: el.getAttribute("data-phase-text") || "",
      endsAt: Number(el.getAttribute("data-ends-at")) || now + remaining,
      remaining: remaining,
      offset: now - Date.now()
    };
    s.armed = s.status === "running" && left(s) > 0;
    return s;
  }

  function left(s) { return s.endsAt - (Date.now() + s.offset); }

  function clockText(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60);
  }

  function tick() {
    var s = state;
    if (!s) return;
    var text, title;
    if (s.status === "running") {
      var ms = left(s);
      if (ms <= 0 && s.armed) {
        s.armed = false;
        if (ms > -CHIME_LATE_MS) ended(s);
      }
      text = clockText(ms);
      title = text + " · " + s.phase;
    } else if (s.status === "paused") {
      text = clockText(s.remaining);
      title = "Paused · " + s.phase;
    } else {
      return;
    }
    var clock = document.getElementById("ptimer-clock");
    if (clock && clock.textContent !== text) clock.textContent = text;
    if (document.title !== title) document.title = title;
  }

  function setting(name) { var r = root(); return r && r.getAttribute(name) === "on"; }

  function ended(s) {
    if (setting("data-sound")) chime();
    if (setting("data-notify") && window.Notification && Notification.permission === "granted") {
      try { new Notification(s.phase + " is over", { body: "Pomopomo", tag: "pomopomo-timer" }); } catch (e) { /* not allowed here */ }
    }
  }

  function chime() {
    if (!audio) { audio = new Audio(CHIME_URL); audio.preload = "auto"; }
    try {
      audio.currentTime = 0;
      var played = audio.play();
      // Browsers refuse sound before the person has used the page; the clock still says it.
      if (played && played.catch) played.catch(function () {});
    } catch (e) { /* no audio */ }
  }

  // The server writes UTC; people read their own time.
  function localEnd() {
    var el = document.getElementById("ptimer-ends");
    if (!el) return;
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) return;
    el.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    el.title = d.toLocaleString();
  }

  function notifyButton() {
    var button = document.getElementById("ptimer-notify");
    if (!button) return;
    button.hidden = !(setting("data-notify") && window.Notification && Notification.permission === "default");
    button.onclick = function () {
      var asked = Notification.requestPermission(function () { notifyButton(); });
      if (asked && asked.then) asked.then(function () { notifyButton(); });
    };
  }

  function setup() {
    var prev = state;
    state = read();
    // The same segment still running (the page came back after another change): keep whether it
    // has already ended here, so it chimes once.
    if (prev && state && prev.status === "running" && state.status === "running" && prev.endsAt === state.endsAt) {
      state.armed = prev.armed;
    } else if (prev && prev.armed && state && left(prev) < 2000 && left(prev) > -CHIME_LATE_MS) {
      // The server moved on just before this clock reached zero (a background tab's slow timers).
      ended(prev);
    }
    if (!state || (state.status !== "running" && state.status !== "paused")) document.title = "Timer · Pomopomo";
    localEnd();
    notifyButton();
    tick();
  }

  function refresh(version) {
    // At least the version the poll announced: another responder may not have heard of it yet.
    return fetch("/timer?v=" + encodeURIComponent(version), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main");
        var main = document.getElementById("main");
        if (!fresh || !main || !doc.getElementById("ptimer")) return;
        var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("form") : null;
        var action = focused && focused.getAttribute("action");
        main.innerHTML = fresh.innerHTML;
        setup();
        // Keyboard users keep their place: back to the same control's form, if it is still there.
        var again = action && main.querySelector('form[action="' + action + '"] button');
        if (again) again.focus({ preventScroll: true });
      });
  }

  function poll() {
    if (polling) return;
    polling = true;
    var delay = 0;
    function again(wait) { setTimeout(round, wait); }
    function round() {
      var r = root();
      var url = r && r.getAttribute("data-ptimer-poll");
      if (!url) { polling = false; return; }
      var since = r.getAttribute("data-version") || "0";
      fetch(url + "?since=" + encodeURIComponent(since), {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
      }).then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (data) {
            delay = 0;
            var now = root();
            if (now && String(data.version) !== now.getAttribute("data-version")) {
              return refresh(data.version).then(function () { again(0); }, function () { again(1000); });
            }
            again(0);
          });
        }
        if (response.status === 204) { delay = 0; again(0); return; }
        if (response.status === 404) { polling = false; return; }
        if (response.status === 429) {
          var seconds = parseInt(response.headers.get("Retry-After"), 10);
          again((seconds > 0 ? seconds : 10) * 1000);
          return;
        }
        throw new Error("timer poll answered " + response.status);
      }).catch(function () {
        delay = Math.min(delay ? delay * 2 : 1000, 10000);
        again(delay / 2 + Math.random() * delay / 2);
      });
    }
    again(0);
  }

  function start() {
    if (!root()) return;
    setup();
    setInterval(tick, 250);
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
