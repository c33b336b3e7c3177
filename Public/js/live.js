// Live updates for server-rendered pages. Any element with data-live="/…/poll" and
// data-version="N" is kept current by long-polling: the server answers when something changed
// (JSON with the new version and HTML fragments keyed by element id) or with 204 after a while.
// Without JavaScript the same pages work by reloading.
(function () {
  "use strict";

  function follow(el) {
    var url = el.getAttribute("data-live");
    var version = el.getAttribute("data-version") || "0";
    var delay = 0;

    function again(wait) {
      setTimeout(poll, wait);
    }

    function apply(data) {
      if (typeof data.version === "number") {
        version = String(data.version);
        el.setAttribute("data-version", version);
      }
      var fragments = data.fragments || {};
      Object.keys(fragments).forEach(function (id) {
        var target = document.getElementById(id);
        // Fragments are rendered and escaped by the server from the same partials as the page.
        if (target) target.innerHTML = fragments[id];
      });
      document.dispatchEvent(new CustomEvent("pomopomo:live", { detail: data }));
    }

    function poll() {
      fetch(url + "?since=" + encodeURIComponent(version), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (response.status === 200) {
          // One change answers every waiting browser at once; spreading the next polls over a
          // second keeps them from arriving as one burst. Nothing is missed meanwhile: the next
          // poll carries the version just received.
          return response.json().then(function (data) { apply(data); delay = 0; again(Math.random() * 1000); });
        }
        if (response.status === 204) { delay = 0; again(0); return; }
        if (response.status === 404) { return; } // the room is gone: stop asking
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

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live]"), follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
