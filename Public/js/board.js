// The whiteboard (/me/board/…). Everything here is an enhancement: without JavaScript the page's
// forms add, edit, move and delete notes and clear the drawing.
//
// - Drawing: pointer events on the board's SVG draw a stroke (pen or eraser, the colour and width
//   chosen in #stroke-form); when the pointer lifts, the stroke's points go to the server in that
//   form's `points` field ("x y x y …" in board units), like any form post.
// - Notes: dragging a note in the SVG moves it anywhere on the board; when it is dropped, its own
//   edit form (#note-form-ID) is posted with the new x and y.
// - Each post carries the board version the page last saw; the answer (the board page the post
//   redirects to) gives the next one. Posts go one at a time, in order. A refusal (422) or a
//   stale version (409, the board changed in another tab) is shown in #board-status with a link
//   to reload, and nothing is saved silently.
(function () {
  "use strict";

  var INKS = { ink: "#22223b", red: "#d62839", blue: "#1d63c9", green: "#2b8a3e" };
  var PAPER = "#fffdf5";
  var WIDTHS = { thin: 2, medium: 5, thick: 10 };
  var MAX_POINTS = 2000;
  var SVG_NS = "http://www.w3.org/2000/svg";

  var page = document.getElementById("board-page");
  var svg = document.getElementById("board-svg");
  var form = document.getElementById("stroke-form");
  if (!page || !svg || !form) return;

  var width = +page.getAttribute("data-width"), height = +page.getAttribute("data-height");
  var maxX = +page.getAttribute("data-max-x"), maxY = +page.getAttribute("data-max-y");
  var queue = Promise.resolve();
  var action = null; // the stroke being drawn or the note being dragged

  form.hidden = false;
  svg.classList.add("drawing");

  function status(text, reload) {
    var box = document.getElementById("board-status");
    box.textContent = text;
    box.classList.toggle("error", !!reload || text !== "");
    if (reload) {
      var link = document.createElement("a");
      link.href = location.pathname;
      link.id = "board-reload";
      link.textContent = " Reload the board";
      box.appendChild(link);
    }
  }

  function version() { return page.getAttribute("data-version"); }

  function setVersion(v) {
    page.setAttribute("data-version", v);
    var inputs = document.querySelectorAll("input[name=version]");
    for (var i = 0; i < inputs.length; i++) inputs[i].value = v;
  }

  function clamp(v, low, high) { return Math.min(Math.max(v, low), high); }

  function boardPoint(event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX;
    p.y = event.clientY;
    var q = p.matrixTransform(svg.getScreenCTM().inverse());
    return { x: clamp(Math.round(q.x * 10) / 10, 0, width), y: clamp(Math.round(q.y * 10) / 10, 0, height) };
  }

  function chosen(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  // Posts `target`'s fields (with the current version); then `done(ok)`.
  function post(target, fields, done) {
    queue = queue.then(function () {
      var body = new URLSearchParams(new FormData(target));
      body.set("version", version());
      for (var key in fields) body.set(key, fields[key]);
      return fetch(target.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (res) {
          return res.text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            if (res.ok) {
              var fresh = doc.getElementById("board-page");
              if (fresh) setVersion(fresh.getAttribute("data-version"));
              var tally = doc.getElementById("board-tally"), mine = document.getElementById("board-tally");
              if (tally && mine) mine.innerHTML = tally.innerHTML;
              status("");
              done(true);
              return;
            }
            var message = doc.getElementById("error-message") || doc.getElementById("board-error") || doc.querySelector("[role=alert]");
            status((message ? message.textContent : "The board could not be saved (" + res.status + ").") +
              (res.status === 409 ? "" : " Nothing was saved."), res.status === 409);
            done(false);
          });
        })
        .catch(function () {
          status("The board could not be reached: nothing was saved.", true);
          done(false);
        });
    });
  }

  // ---- Drawing --------------------------------------------------------------------------------

  function startStroke(event) {
    var tool = chosen("tool") || "pen";
    var line = document.createElementNS(SVG_NS, "polyline");
    var w = WIDTHS[chosen("width")] || 5;
    line.setAttribute("stroke", tool === "eraser" ? PAPER : (INKS[chosen("colour")] || INKS.ink));
    line.setAttribute("stroke-width", tool === "eraser" ? w * 3 : w);
    document.getElementById("board-strokes").appendChild(line);
    var p = boardPoint(event);
    action = { kind: "stroke", line: line, points: [p.x, p.y] };
    line.setAttribute("points", p.x + "," + p.y + " " + p.x + "," + p.y);
  }

  function extendStroke(event) {
    var pts = action.points;
    if (pts.length >= MAX_POINTS * 2) return;
    var p = boardPoint(event);
    if (p.x === pts[pts.length - 2] && p.y === pts[pts.length - 1]) return;
    pts.push(p.x, p.y);
    var text = [];
    for (var i = 0; i < pts.length; i += 2) text.push(pts[i] + "," + pts[i + 1]);
    action.line.setAttribute("points", text.join(" "));
  }

  function finishStroke() {
    var line = action.line;
    post(form, { points: action.points.join(" ") }, function (ok) {
      if (!ok) line.remove();
    });
  }

  // ---- Dragging notes -------------------------------------------------------------------------

  function noteAt(target) {
    while (target && target !== svg) {
      if (target.getAttribute && target.getAttribute("data-note")) return target;
      target = target.parentNode;
    }
    return null;
  }

  function position(note) {
    var m = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(note.getAttribute("transform") || "");
    return m ? { x: +m[1], y: +m[2] } : { x: 0, y: 0 };
  }

  function startDrag(note, event) {
    var p = boardPoint(event), at = position(note);
    action = { kind: "note", note: note, dx: p.x - at.x, dy: p.y - at.y, from: at, moved: false };
    note.parentNode.appendChild(note); // on top while dragged
  }

  function drag(event) {
    var p = boardPoint(event);
    var x = Math.round(clamp(p.x - action.dx, 0, maxX)), y = Math.round(clamp(p.y - action.dy, 0, maxY));
    action.moved = action.moved || x !== action.from.x || y !== action.from.y;
    action.at = { x: x, y: y };
    action.note.setAttribute("transform", "translate(" + x + " " + y + ")");
  }

  function drop() {
    if (!action.moved) return;
    var id = action.note.getAttribute("data-note"), at = action.at, from = action.from, note = action.note;
    var edit = document.getElementById("note-form-" + id);
    if (!edit) return;
    edit.elements.x.value = at.x;
    edit.elements.y.value = at.y;
    post(edit, { x: String(at.x), y: String(at.y) }, function (ok) {
      if (!ok) {
        note.setAttribute("transform", "translate(" + from.x + " " + from.y + ")");
        edit.elements.x.value = from.x;
        edit.elements.y.value = from.y;
      }
    });
  }

  // ---- Pointer events -------------------------------------------------------------------------

  svg.addEventListener("pointerdown", function (event) {
    if (action || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    svg.setPointerCapture(event.pointerId);
    var note = noteAt(event.target);
    if (note) startDrag(note, event); else startStroke(event);
    action.pointer = event.pointerId;
  });

  svg.addEventListener("pointermove", function (event) {
    if (!action || event.pointerId !== action.pointer) return;
    if (action.kind === "stroke") extendStroke(event); else drag(event);
  });

  function end(event) {
    if (!action || event.pointerId !== action.pointer) return;
    var done = action;
    if (done.kind === "stroke") finishStroke(); else drop();
    action = null;
  }

  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
})();
