// Voice notes still being transcribed (partials/journal_note with data-transcribing) are asked
// for again whenever the person's live channel moves (live.js sends "pomopomo:user"; the channel
// moves when a transcript lands or is edited in another tab), and once soon after the page loads,
// in case the words landed before the channel's first answer. Once the transcript is there the
// note's transcript is swapped for the server's drawing of it. Without JS the next page load shows it.
(function () {
  "use strict";
  // Each pending note brings this script along: run it once per page.
  if (window.pomopomoJournalNotes) return;
  window.pomopomoJournalNotes = true;

  var running = false;
  var again = false;

  function fetchNote(note) {
    var id = note.getAttribute("data-journal-note");
    var back = note.querySelector('input[name="back"]');
    var url = "/journal/audio/" + encodeURIComponent(id) + "/note.json" +
      (back ? "?back=" + encodeURIComponent(back.value) : "");
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (data) {
        if (!data || data.status === "pending" || !note.parentNode) return;
        // Someone typing in the note's edit form keeps what they typed: swapped on a later nudge.
        if (note.querySelector("details[open]")) return;
        var parsed = document.createElement("template");
        parsed.innerHTML = data.html.trim();
        var fresh = parsed.content.firstElementChild;
        if (!fresh) return;
        // The player and its length stay as they are (moving the player would stop a note being
        // listened to); what follows them (the transcript, its edit form) is the server's new drawing.
        var mark = note.querySelector(".note-length");
        var freshMark = fresh.querySelector(".note-length");
        if (!mark || !freshMark) return;
        while (mark.nextSibling) note.removeChild(mark.nextSibling);
        while (freshMark.nextSibling) note.appendChild(freshMark.nextSibling);
        note.removeAttribute("data-transcribing");
      })
      .catch(function () { /* the next nudge asks again */ });
  }

  function refresh() {
    if (running) { again = true; return; }
    var pending = document.querySelectorAll("[data-journal-note][data-transcribing]");
    if (!pending.length) return;
    running = true;
    Promise.all(Array.prototype.map.call(pending, fetchNote)).then(function () {
      running = false;
      if (again) { again = false; refresh(); }
    });
  }

  document.addEventListener("pomopomo:user", refresh);
  setTimeout(refresh, 1500);
})();
