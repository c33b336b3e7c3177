// Live room page. Everything here is an enhancement: without JavaScript the same server-rendered
// page works by reloading (forms post and redirect back; a <noscript> refresh ends segments).
//
// - Long-poll: the element with data-live="/…/poll" and data-version="N" is kept current; the
//   server answers when something changed (JSON: version, timer, theme, host and HTML fragments
//   keyed by element id) or 204 after a while.
// - Timer: a local countdown from the server's timer state, in #timer-clock and the tab title,
//   with a chime when a segment runs out.
// - Forms inside #room post with fetch and swap in the answer's #main instead of reloading.
// - Achievements: when a running segment ends, a signed-in page asks whether it earned one and
//   shows the notice the next page would have shown.
(function () {
  "use strict";

  var SOUND_KEY = "pomopomo.sound";
  var CHIME_URL = "/static/audio/chime.wav";
  // A segment that ended longer ago than this (a laptop waking from sleep) ends silently.
  var CHIME_LATE_MS = 60000;

  var polling = false; // one poll loop per page, however often #main is replaced
  var timer = null;    // the countdown being shown (see timerState)
  var baseTitle = document.title; // the title outside a room page (see idleTitle)
  var audio = null;
  var lastButton = null;

  function room() { return document.getElementById("room"); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // ---- Long-poll -----------------------------------------------------------------------------

  function startPolling() {
    if (polling) return;
    polling = true;
    var delay = 0;

    function again(wait) { setTimeout(poll, wait); }

    function poll() {
      // Looked up every round: a form answer may have replaced the element (and its version).
      var el = document.querySelector("[data-live]");
      if (!el) { polling = false; return; }
      var since = el.getAttribute("data-version") || "0";
      fetch(el.getAttribute("data-live") + "?since=" + encodeURIComponent(since), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (data) {
            // If a form answer replaced the page while this poll waited, the page is at least as
            // new as this answer: drop it and ask again from the page's version.
            var now = document.querySelector("[data-live]");
            if (now && now.getAttribute("data-version") === since) apply(now, data);
            delay = 0;
            // One change answers every waiting browser at once; spreading the next polls over a
            // second (longer in a big room: the answer says how long) keeps them from arriving as
            // one burst. Nothing is missed meanwhile: the next poll carries the version just received.
            var spread = data.spread_ms > 0 ? Math.min(data.spread_ms, 10000) : 1000;
            again(Math.random() * spread);
          });
        }
        if (response.status === 204) { delay = 0; again(0); return; }
        // Closed by the moderators: the page says why.
        if (response.status === 410) { polling = false; window.location.reload(); return; }
        if (response.status === 404) {
          // The room is gone: stop asking. A wait woken by its closing gets this 404; the page
          // itself answers 410 when the moderators closed it, and then shows it and why.
          polling = false;
          fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function (page) {
            if (page.status === 410) window.location.reload();
          }, function () {});
          return;
        }
        // The host removed this person: show them the page that says so (it does not poll).
        if (response.status === 403) { polling = false; window.location.reload(); return; }
        if (response.status === 429) {
          // Too many open tabs or polls: wait as long as the server asks before trying again.
          var seconds = parseInt(response.headers.get("Retry-After"), 10);
          again((seconds > 0 ? seconds : 10) * 1000);
          return;
        }
        throw new Error("poll answered " + response.status);
      }).catch(function () {
        // Back off while the server or network is unwell (with jitter, so browsers do not return
        // in step), then resume from the same version.
        delay = Math.min(delay ? delay * 2 : 1000, 10000);
        again(delay / 2 + Math.random() * delay / 2);
      });
    }

    again(0);
  }

  function apply(el, data) {
    if (typeof data.version === "number") el.setAttribute("data-version", String(data.version));
    var fragments = data.fragments || {};
    Object.keys(fragments).forEach(function (id) {
      var target = document.getElementById(id);
      if (!target) return;
      // Someone may be typing in a form inside the fragment (the host editing a segment while
      // the timer moves on): keep what they typed, what they opened and where their focus is.
      var kept = snapshot(target, null, null);
      var atBottom = id === "chat-messages" && nearBottom(target);
      // Fragments are rendered and escaped by the server from the same partials as the page.
      if (id === "chat-messages") mergeChat(target, fragments[id]);
      else target.innerHTML = fragments[id];
      fillCsrf(target);
      restore(target, kept);
      if (atBottom) target.scrollTop = target.scrollHeight;
    });
    var r = room();
    var roleChanged = false;
    if (r && typeof data.theme === "string" && data.theme) {
      r.setAttribute("data-theme", data.theme);
      // The theme form is not a fragment; keep it showing the theme in use (as its default, so
      // it does not count as something the host typed).
      var select = document.getElementById("theme-select");
      if (select && select !== document.activeElement) {
        Array.prototype.forEach.call(select.options, function (o) {
          o.selected = o.defaultSelected = o.value === data.theme;
        });
      }
    }
    if (r && typeof data.host === "string") {
      var me = r.getAttribute("data-me") || "";
      var role = !me ? "" : (data.host === me ? "host" : "guest");
      roleChanged = role !== (r.getAttribute("data-viewer-role") || "");
      r.setAttribute("data-viewer-role", role);
    }
    enhance();
    if (data.timer) setTimer(timerState(data.timer));
    else if (fragments.timer !== undefined) setTimer(timerFromPage());
    document.dispatchEvent(new CustomEvent("pomopomo:live", { detail: data }));
    // Parts outside the shared fragments depend on who I am (the "(host)" label, the proposal
    // form, my own forms): when the role changes, or I am no longer listed, fetch my own page.
    // A big room lists only some people ("and N more"), so there not being listed says nothing.
    if (r && r.getAttribute("data-me") && (roleChanged || (fragments.participants !== undefined &&
        !document.querySelector("#participants [data-more]") &&
        !document.querySelector('#participants [data-participant-id="' + r.getAttribute("data-me") + '"]')))) {
      refresh();
    }
  }

  // Chat is merged by message id instead of replaced: my shadow-hidden messages (data-local)
  // exist only in my page, never in the shared fragment, and must survive; and a polite live
  // region whose whole list is rewritten would read every message aloud again.
  // Messages never change once sent, so a message already shown is left as it is.
  function mergeChat(list, html) {
    var fresh = document.createElement("template"); // inert until a message is inserted
    fresh.innerHTML = html;
    var wanted = {};
    Array.prototype.forEach.call(fresh.content.querySelectorAll("li[data-id]"), function (li) {
      wanted[li.getAttribute("data-id")] = li;
    });
    Array.prototype.slice.call(list.children).forEach(function (li) {
      var id = li.getAttribute("data-id");
      if (id && (wanted[id] || li.hasAttribute("data-local"))) {
        delete wanted[id];
      } else {
        list.removeChild(li);
      }
    });
    Object.keys(wanted).forEach(function (id) {
      var before = null;
      Array.prototype.some.call(list.children, function (li) {
        if (Number(li.getAttribute("data-id")) > Number(id)) { before = li; return true; }
        return false;
      });
      list.insertBefore(wanted[id], before);
    });
  }

  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 40; }

  // ---- Page setup (after load, fragments and form answers) -----------------------------------

  // Fragments are shared by every viewer, so their forms carry an empty token: mine is on #room.
  function fillCsrf(root) {
    var r = room();
    var token = r && r.getAttribute("data-csrf");
    if (!token) return;
    Array.prototype.forEach.call(root.querySelectorAll('input[name="csrf"]'), function (input) {
      if (!input.value) input.value = token;
    });
  }

  // The server writes UTC; people think in their own time.
  function localTimes() {
    Array.prototype.forEach.call(document.querySelectorAll("#timer-ends, #chat-messages time[datetime]"), function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      var text = pad(d.getHours()) + ":" + pad(d.getMinutes());
      if (el.id === "timer-ends") text += ":" + pad(d.getSeconds());
      el.textContent = text;
      el.title = d.toLocaleString();
    });
  }

  function enhance() {
    fillCsrf(document);
    localTimes();
    // #timer is a polite live region for phase changes; a clock ticking inside it would be read
    // out every second.
    var clock = document.getElementById("timer-clock");
    if (clock) clock.setAttribute("aria-live", "off");
    Array.prototype.forEach.call(document.querySelectorAll("[data-sound-toggle]"), function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", soundOn() ? "true" : "false");
      button.textContent = soundOn() ? "Sound on" : "Sound off";
    });
  }

  // The server's title names the phase and time it rendered, which go stale; when no countdown
  // runs, name the room instead.
  function idleTitle() {
    var r = room();
    var code = r && r.getAttribute("data-code");
    return code ? "Room " + code + " · Pomopomo" : baseTitle;
  }

  function setup() {
    enhance();
    setTimer(timerFromPage());
    var chat = document.getElementById("chat-messages");
    if (chat) chat.scrollTop = chat.scrollHeight;
    startPolling();
  }

  // ---- Timer ---------------------------------------------------------------------------------

  // offset: how far the server's clock is ahead of ours (plus the delivery delay), so the end
  // time the server gives can be compared with Date.now().
  function timerState(t) {
    var now = Number(t.server_now_ms) || Date.now();
    var remaining = Number(t.remaining_ms) || 0;
    return {
      status: t.status || "idle",
      phase: t.phase || "",
      index: String(t.index === undefined || t.index === null ? "" : t.index),
      endsAt: Number(t.ends_at_ms) || now + remaining,
      remaining: remaining,
      offset: now - Date.now()
    };
  }

  function timerFromPage() {
    var el = document.querySelector("#timer .timer-state");
    if (!el) return null;
    return timerState({
      status: el.getAttribute("data-status"),
      phase: el.getAttribute("data-phase"),
      index: el.getAttribute("data-index"),
      ends_at_ms: el.getAttribute("data-ends-at"),
      remaining_ms: el.getAttribute("data-remaining-ms"),
      server_now_ms: el.getAttribute("data-server-now")
    });
  }

  function left(t) { return t.endsAt - (Date.now() + t.offset); }

  function setTimer(next) {
    var prev = timer;
    if (prev && prev.status === "running" && next && next.status === "running" &&
        next.index === prev.index && next.endsAt === prev.endsAt) {
      // The same running segment (some other part changed): keep whether it has chimed.
      next.armed = prev.armed;
      next.chimed = prev.chimed;
    } else if (prev && prev.status === "running" && prev.armed && !prev.chimed &&
               left(prev) < 2000 && left(prev) > -CHIME_LATE_MS) {
      // The server moved on before this clock reached zero: clock skew, or a background tab,
      // whose timers Chrome may run only once a minute (the poll answer is not delayed). The
      // segment still ended on its own.
      chime();
    }
    if (next && next.armed === undefined) {
      // Only a countdown seen running chimes at zero, not a page opened just after the end.
      next.armed = next.status === "running" && left(next) > 0;
      next.chimed = false;
    }
    // A segment that ran and is over credits everyone present, which may earn them something.
    if (prev && prev.status === "running" && next && (next.index !== prev.index || next.status !== "running")) askForNotice();
    timer = next;
    if (!next || (next.status !== "running" && next.status !== "paused")) document.title = idleTitle();
    tick();
  }

  function clockText(ms) {
    // Rounded up, so the clock shows 00:00 exactly when the segment ends.
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60);
  }

  function tick() {
    var t = timer;
    if (!t || (t.status !== "running" && t.status !== "paused")) return;
    var text, title;
    if (t.status === "running") {
      var ms = left(t);
      if (ms <= 0 && t.armed && !t.chimed) {
        t.chimed = true;
        if (ms > -CHIME_LATE_MS) chime();
      }
      // Never below zero: the server ends the segment and the poll brings the next one.
      text = clockText(ms);
      title = text + " · " + t.phase + " · Pomopomo";
    } else {
      text = clockText(t.remaining);
      title = "Paused · " + t.phase + " · Pomopomo";
    }
    var clock = document.getElementById("timer-clock");
    if (clock && clock.textContent !== text) clock.textContent = text;
    if (document.title !== title) document.title = title;
  }

  // ---- Sound ---------------------------------------------------------------------------------

  // A choice made with the button on this browser wins; otherwise the account's preference
  // (the server marks <body data-sound="off">), otherwise on.
  function soundOn() {
    try {
      var chosen = localStorage.getItem(SOUND_KEY);
      if (chosen === "on" || chosen === "off") return chosen === "on";
    } catch (e) { /* private mode */ }
    return document.body.getAttribute("data-sound") !== "off";
  }

  function chimeAudio() {
    if (!audio) {
      audio = new Audio(CHIME_URL);
      audio.preload = "auto";
    }
    return audio;
  }

  function chime() {
    if (!soundOn()) return;
    var a = chimeAudio();
    try {
      a.muted = false;
      a.currentTime = 0;
      var played = a.play();
      // Browsers refuse sound before the person has interacted with the page; the clock and
      // the title still say the segment ended, so a refusal is not worth an error.
      if (played && played.catch) played.catch(function () {});
    } catch (e) { /* no audio support */ }
  }

  // Some browsers (Safari) allow an audio element to play later only once it has been played
  // during a user gesture: play it silently on the first one.
  function unlockAudio() {
    if (!document.getElementById("timer")) return; // not a room page: no sound to prepare
    document.removeEventListener("pointerdown", unlockAudio, true);
    document.removeEventListener("keydown", unlockAudio, true);
    var a = chimeAudio();
    if (!a.paused) return;
    a.muted = true;
    var played;
    try { played = a.play(); } catch (e) { a.muted = false; return; }
    if (played && played.then) {
      // Unless a real chime started meanwhile (it unmutes), stop the silent one.
      played.then(function () { if (a.muted) { a.pause(); a.currentTime = 0; a.muted = false; } },
                  function () { a.muted = false; });
    } else {
      a.pause();
      a.muted = false;
    }
  }

  function toggleSound() {
    var on = !soundOn();
    try { localStorage.setItem(SOUND_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    enhance();
    if (on) chime(); // let them hear what they turned on (and how loud it is)
  }

  // ---- Forms ---------------------------------------------------------------------------------

  // A key that finds "the same" control in freshly rendered HTML.
  function controlKey(el) {
    if (el.id) return "#" + el.id;
    if (el.hasAttribute("data-sound-toggle")) return "sound";
    if (!el.form) return null;
    return el.form.getAttribute("action") + "|" + (el.name || "") + "|" +
      (el.type === "submit" ? el.value : "");
  }

  function controls(root) { return root.querySelectorAll("input, select, textarea, button"); }

  function isDirty(el) {
    if (el.type === "hidden" || el.type === "submit" || el.tagName === "BUTTON") return false;
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    return el.value !== el.defaultValue;
  }

  function detailsKey(d) {
    var holder = d.parentNode && d.parentNode.closest ? d.parentNode.closest("[id]") : null;
    return holder ? holder.id : null;
  }

  // What the person is doing inside root: typed values, open <details>, focus and selection.
  // `skip` is the form just submitted, `sent` what it sent: its answer decides what the form
  // shows, except for what was typed into it after sending (the next chat message).
  function snapshot(root, skip, sent) {
    var s = { fields: [], open: [], focus: null };
    Array.prototype.forEach.call(controls(root), function (el) {
      if (skip && el.form === skip && (!sent || sent.get(el.name) === el.value)) return;
      var key = controlKey(el);
      if (key && isDirty(el)) s.fields.push({ key: key, value: el.value, checked: el.checked });
    });
    Array.prototype.forEach.call(root.querySelectorAll("details[open]"), function (d) {
      if (skip && d.contains(skip)) return;
      var key = detailsKey(d);
      if (key) s.open.push(key);
    });
    var active = document.activeElement;
    if (active && active !== document.body && root.contains(active)) {
      s.focus = controlKey(active);
      try { s.start = active.selectionStart; s.end = active.selectionEnd; } catch (e) { /* not text */ }
    }
    return s;
  }

  function restore(root, s) {
    var byKey = {};
    Array.prototype.forEach.call(controls(root), function (el) {
      var key = controlKey(el);
      if (key && !byKey[key]) byKey[key] = el;
    });
    s.fields.forEach(function (f) {
      var el = byKey[f.key];
      if (!el) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = f.checked;
      else el.value = f.value;
    });
    Array.prototype.forEach.call(root.querySelectorAll("details"), function (d) {
      if (s.open.indexOf(detailsKey(d)) >= 0) d.open = true;
    });
    var el = s.focus && byKey[s.focus];
    if (el && document.activeElement !== el) {
      el.focus({ preventScroll: true });
      try { if (s.start !== null && s.start !== undefined) el.setSelectionRange(s.start, s.end); } catch (e) { /* not text */ }
    }
  }

  // Puts the answer's #main in place of ours, keeping what the person typed elsewhere.
  function swapMain(doc, form, submitter, sent) {
    var main = document.getElementById("main");
    var fresh = doc.getElementById("main");
    var s = snapshot(main, form, sent);
    var action = form && form.getAttribute("action");
    var submitterKey = submitter && controlKey(submitter);
    main.innerHTML = fresh.innerHTML;
    baseTitle = doc.title || baseTitle;
    setup();
    if (form) s.focus = null; // a submitted form decides focus below; a refresh keeps it
    restore(main, s);

    var target = null;
    if (form && form.id === "chat-form") {
      target = document.getElementById("chat-text");
    } else if (form && form.id === "join-room" && document.getElementById("you-are")) {
      // The join form is gone; say who you now are instead of dropping focus on the body.
      target = document.getElementById("you-are");
      target.setAttribute("tabindex", "-1");
    } else if (form) {
      // Back to the button just used (or, if it is gone, e.g. Pause became Resume, the first
      // button of the same form), so keyboard users keep their place.
      target = Array.prototype.filter.call(controls(main), function (el) {
        return controlKey(el) === submitterKey;
      })[0] || Array.prototype.filter.call(main.querySelectorAll("form"), function (f) {
        return f.getAttribute("action") === action;
      }).map(function (f) { return f.querySelector("button, [type=submit]"); })[0];
    }
    var error = document.getElementById("room-error") || document.getElementById("error-message");
    if (target) target.focus({ preventScroll: !!error });
    // Without JavaScript the answer opens at the top where the error is; here it must be
    // brought into view, or a message sent at the bottom of the page would fail unseen.
    if (error) error.scrollIntoView({ block: "center" });
  }

  function refresh() {
    var r = room();
    if (!r) return;
    fetch("/r/" + encodeURIComponent(r.getAttribute("data-code")), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (doc.getElementById("main")) swapMain(doc, null, null, null);
      })
      .catch(function () { /* the next poll answer tries again */ });
  }

  // The browser submits the form itself (used when fetch fails): submit() leaves out the button
  // that was clicked, which for the timer controls is the whole point.
  function submitNatively(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function onSubmit(event) {
    var form = event.target;
    var r = room();
    // Only the live room page (the moderation page also has #room, but no data-code).
    if (event.defaultPrevented || !r || !r.getAttribute("data-code") || !r.contains(form) ||
        (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    // Leaving ends the room page; the browser's own navigation is the simplest way out.
    if (form.id === "leave-form") return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return; // a double click sends once
    var submitter = event.submitter || (lastButton && lastButton.form === form ? lastButton : null);
    fillCsrf(form);
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    form.setAttribute("aria-busy", "true");
    var code = r.getAttribute("data-code");
    // Chat: empty the field at once, so the next message can be typed while this one is sent.
    var chatText = form.id === "chat-form" ? document.getElementById("chat-text") : null;
    if (chatText) chatText.value = "";
    function fallback() {
      form.removeAttribute("aria-busy");
      if (chatText && !chatText.value) chatText.value = body.get("text");
      submitNatively(form, submitter);
    }

    // getAttribute: the timer form has buttons named "action", which shadow form.action.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    }).then(function (response) {
      form.removeAttribute("aria-busy");
      var url = new URL(response.url, location.href);
      if (response.redirected && url.pathname !== "/r/" + code) {
        location.assign(response.url);
        return;
      }
      return response.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        // The room again (after 303), or the room with #room-error, or an error page: show
        // it in place. The address stays the room's, so a reload shows the room.
        if (doc.getElementById("main")) swapMain(doc, form, submitter, body);
        else fallback(); // not our page (a proxy's error): let the browser show it
      });
    }, function () {
      // No answer (offline, connection cut): let the browser send it, and show its own error.
      fallback();
    }).catch(function () {
      // An answer came but could not be shown: the change may well have been made, so do not
      // send it again; show the room as it is now.
      location.assign("/r/" + encodeURIComponent(code));
    });
  }

  // ---- Achievements --------------------------------------------------------------------------

  // Signed-in pages carry body[data-notices]: the notice alone, or 204 when there is nothing new.
  // Asked a moment after the segment ends, spread over two seconds so a full room does not ask at once.
  function askForNotice() {
    var url = document.body.getAttribute("data-notices");
    if (!url) return;
    setTimeout(function () {
      fetch(url + "?next=" + encodeURIComponent(location.pathname), {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (response.status !== 200) return;
        return response.text().then(function (html) {
          var parsed = document.createElement("template");
          parsed.innerHTML = html.trim();
          var fresh = parsed.content.getElementById("achievement-notice");
          var main = document.getElementById("main");
          if (!fresh || !main) return;
          var shown = document.getElementById("achievement-notice");
          if (shown) shown.parentNode.replaceChild(fresh, shown);
          else main.parentNode.insertBefore(fresh, main);
        });
      }).catch(function () {}); // the next page shows it anyway
    }, 500 + Math.random() * 2000);
  }

  // ---- Start ---------------------------------------------------------------------------------


  // ---- The person's own channel ------------------------------------------------------------
  // One long-poll per signed-in tab (besides a room's): header counts, friends' presence, and a
  // nudge for an open conversation. Pages say so with <body data-user-live="/me/poll">.

  var userVersion = "0";

  function startUserChannel() {
    var url = document.body.getAttribute("data-user-live");
    if (!url) return;
    var delay = 0;

    function again(wait) { setTimeout(poll, wait); }

    function poll() {
      fetch(url + "?since=" + encodeURIComponent(userVersion), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual"
      }).then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (data) {
            var first = userVersion === "0";
            userVersion = String(data.version);
            applyUser(data, first);
            delay = 0;
            again(Math.random() * 1000);
          });
        }
        if (response.status === 204) { delay = 0; again(0); return; }
        if (response.status === 429) {
          var seconds = parseInt(response.headers.get("Retry-After"), 10);
          again((seconds > 0 ? seconds : 10) * 1000);
          return;
        }
        // Signed out (a redirect or 403) or the account is gone: stop asking.
        if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) return;
        throw new Error("user channel answered " + response.status);
      }).catch(function () {
        delay = Math.min(delay ? delay * 2 : 1000, 10000);
        again(delay / 2 + Math.random() * delay / 2);
      });
    }

    again(0);
  }

  function setCount(id, n) {
    var el = document.getElementById(id);
    if (!el) return;
    // As the server draws it (Views.badge): "(N)", "(99+)", nothing at zero.
    el.textContent = n > 0 ? "(" + (n > 99 ? "99+" : String(n)) + ")" : "";
  }

  function applyUser(data, first) {
    setCount("nav-notifications-count", data.notifications);
    setCount("nav-messages-count", data.messages);
    setCount("nav-requests-count", data.requests);
    (data.presence || []).forEach(function (f) {
      var here = f.presence !== "offline" && f.presence !== "away";
      // "Friends online" lists gain a friend who arrives and lose one who leaves.
      Array.prototype.forEach.call(document.querySelectorAll('[data-friends="online"]'), function (list) {
        var row = list.querySelector('[data-user="' + f.user + '"]');
        if (row && !here) list.removeChild(row);
        if (!row && here) {
          row = document.createElement("li");
          row.setAttribute("data-user", f.user);
          var name = document.createElement("a");
          name.href = "/u/" + encodeURIComponent(f.user);
          name.textContent = f.name;
          var words = document.createElement("span");
          words.className = "presence";
          row.appendChild(name);
          row.appendChild(document.createTextNode(" "));
          row.appendChild(words);
          list.appendChild(row);
        }
        var empty = list.parentNode.querySelector("[data-friends-empty]");
        if (empty) empty.hidden = list.children.length > 0;
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-friends] [data-user]"), function (row) {
        if (row.getAttribute("data-user") !== f.user) return;
        row.setAttribute("data-presence", f.presence);
        var words = row.querySelector(".presence");
        if (!words) return;
        words.textContent = f.words;
        var link = row.querySelector("a.presence-room");
        if (f.room) {
          if (!link) {
            link = document.createElement("a");
            link.className = "presence-room";
            words.parentNode.insertBefore(link, words.nextSibling);
          }
          link.href = "/r/" + encodeURIComponent(f.room);
          link.textContent = "Join them in " + f.room;
        } else if (link) {
          link.parentNode.removeChild(link);
        }
      });
    });
    if (!first) document.dispatchEvent(new CustomEvent("pomopomo:user", { detail: data }));
    if (!first) newMessages();
  }

  // An open conversation (its newest page) fetches what arrived after its last message whenever
  // the channel moves: the message itself never travels on the channel, only the nudge.
  var fetchingMessages = false;

  function newMessages() {
    var list = document.querySelector("#dm-list[data-after]");
    var conversation = document.getElementById("conversation");
    if (!list || !conversation || fetchingMessages) return;
    fetchingMessages = true;
    var last = conversation.getAttribute("data-last-id") || "0";
    fetch(list.getAttribute("data-after") + encodeURIComponent(last), {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status !== 200) throw new Error("messages answered " + response.status);
      return response.json();
    }).then(function (data) {
      if (data.more) { window.location.reload(); return; }
      if (String(data.last_id) === last || !data.html) return;
      var fresh = document.createElement("template");
      fresh.innerHTML = data.html;
      var stick = nearBottom(list);
      list.appendChild(fresh.content);
      conversation.setAttribute("data-last-id", String(data.last_id));
      localTimes();
      if (stick) list.scrollTop = list.scrollHeight;
      var empty = document.getElementById("no-messages");
      if (empty) empty.hidden = true;
    }).catch(function () { /* the next nudge tries again */ }).then(function () {
      fetchingMessages = false;
    });
  }

  function start() {
    document.addEventListener("submit", onSubmit);
    document.addEventListener("click", function (event) {
      var el = event.target.closest ? event.target.closest("button, input[type=submit], [data-sound-toggle]") : null;
      if (!el) return;
      lastButton = el; // for browsers without SubmitEvent.submitter
      if (el.hasAttribute("data-sound-toggle")) toggleSound();
    });
    document.addEventListener("pointerdown", unlockAudio, true);
    document.addEventListener("keydown", unlockAudio, true);
    setInterval(tick, 250);
    setup();
    startUserChannel();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
