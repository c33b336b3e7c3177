// Voice notes (issue 15): a recorder for each voice-note form (partials/journal_voice_form). An
// enhancement only: without JavaScript, or without MediaRecorder, the form's file input (with
// `capture`, which opens the recorder on phones) sends the note. With it: Record asks for the
// microphone, a level meter shows the sound coming in, Stop (or two minutes) ends the recording,
// and the recording is posted to the form's own address with the form's own fields; the server's
// answer (JSON: the note rendered by partials/journal_note) takes the form's place. A page may
// load this script once per form: each form is set up once.
(function () {
  "use strict";

  var LIMIT_MS = 120000;
  // What the server takes, in the order a browser is asked: WebM/Opus (Chromium, Firefox),
  // Ogg/Opus, MP4/AAC (Safari).
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

  function pickType() {
    if (!window.MediaRecorder.isTypeSupported) { return ""; }
    for (var i = 0; i < TYPES.length; i++) {
      if (window.MediaRecorder.isTypeSupported(TYPES[i])) { return TYPES[i]; }
    }
    return "";
  }

  function extension(type) {
    if (type.indexOf("ogg") >= 0) { return "ogg"; }
    if (type.indexOf("mp4") >= 0) { return "m4a"; }
    return "webm";
  }

  function clock(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) { node.setAttribute(name, attrs[name]); }
    if (text) { node.textContent = text; }
    return node;
  }

  function enhance(form) {
    if (form.getAttribute("data-voice-ready")) { return; }
    form.setAttribute("data-voice-ready", "1");
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.fetch) { return; }

    var panel = element("div", { "class": "journal-recorder" });
    var record = element("button", { type: "button", "class": "journal-record" }, "Record");
    var stop = element("button", { type: "button", "class": "journal-stop", hidden: "" }, "Stop");
    var level = element("meter", { "class": "journal-level", min: "0", max: "1", low: "0.05", value: "0",
      "aria-label": "Microphone level" });
    var time = element("span", { "class": "journal-clock" }, "0:00 / 2:00");
    var status = element("p", { "class": "journal-voice-status", role: "status" });
    panel.appendChild(record);
    panel.appendChild(stop);
    panel.appendChild(level);
    panel.appendChild(time);
    panel.appendChild(status);
    form.insertBefore(panel, form.firstChild);
    var fileLabel = form.querySelector("label");
    if (fileLabel) { fileLabel.insertBefore(document.createTextNode("or send a recording: "), fileLabel.firstChild); }

    var recorder = null, stream = null, audio = null, chunks = [], started = 0, ticker = 0, frame = 0, cap = 0;

    function say(text, isError) {
      status.textContent = text;
      status.className = "journal-voice-status" + (isError ? " error" : "");
    }

    function meter(analyser) {
      var samples = new Float32Array(analyser.fftSize);
      function draw() {
        analyser.getFloatTimeDomainData(samples);
        var sum = 0;
        for (var i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
        level.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
        frame = window.requestAnimationFrame(draw);
      }
      draw();
    }

    function release() {
      window.clearInterval(ticker);
      window.clearTimeout(cap);
      window.cancelAnimationFrame(frame);
      level.value = 0;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      if (audio) { audio.close(); }
      stream = null;
      audio = null;
    }

    function send(blob, type, retried) {
      var data = new FormData(form);
      data.delete("voice");
      data.append("voice", blob, "note." + extension(type));
      say("Sending the note…");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { response: response, body: body }; }, function () {
            return { response: response, body: {} };
          });
        })
        .then(function (answer) {
          var response = answer.response;
          if (response.ok && answer.body.html) {
            var holder = document.createElement("div");
            holder.innerHTML = answer.body.html;
            var note = holder.firstElementChild;
            form.parentNode.replaceChild(note, form);
            note.dispatchEvent(new CustomEvent("journal:note", { bubbles: true, detail: answer.body }));
            return;
          }
          var wait = parseInt(response.headers.get("Retry-After") || "0", 10);
          if (response.status === 503 && !retried && wait > 0 && wait <= 30) {
            say("Many notes are arriving at once; sending again in " + wait + " s…");
            window.setTimeout(function () { send(blob, type, true); }, wait * 1000);
            return;
          }
          record.disabled = false;
          say(answer.body.error || ("The note was not saved (" + response.status + ")."), true);
        })
        .catch(function () {
          record.disabled = false;
          say("The note could not be sent: the connection failed. Try again.", true);
        });
    }

    record.addEventListener("click", function () {
      record.disabled = true;
      say("Asking for the microphone…");
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        var type = pickType();
        recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
        chunks = [];
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
        recorder.onstop = function () {
          var kind = recorder.mimeType || type || "audio/webm";
          release();
          stop.hidden = true;
          send(new Blob(chunks, { type: kind }), kind, false);
        };
        var Context = window.AudioContext || window.webkitAudioContext;
        if (Context) {
          audio = new Context();
          var analyser = audio.createAnalyser();
          analyser.fftSize = 1024;
          audio.createMediaStreamSource(stream).connect(analyser);
          if (audio.resume) { audio.resume(); }
          meter(analyser);
        }
        recorder.start(1000);
        started = Date.now();
        stop.hidden = false;
        stop.focus();
        say("Recording… press Stop when you are done (at most 2 minutes).");
        ticker = window.setInterval(function () { time.textContent = clock(Date.now() - started) + " / 2:00"; }, 250);
        cap = window.setTimeout(function () { if (recorder.state === "recording") { recorder.stop(); } }, LIMIT_MS);
      }, function () {
        record.disabled = false;
        say("The microphone is not available. You can still send a recording with the file field.", true);
      });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { recorder.stop(); }
    });
  }

  function enhanceAll() {
    var forms = document.querySelectorAll("form[data-journal-voice]");
    for (var i = 0; i < forms.length; i++) { enhance(forms[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
