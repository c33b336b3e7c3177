// /me/tasks: drag an open task onto another to reorder the list. An enhancement only: without
// JavaScript the ↑/↓ buttons do the same. A drop posts the very form those buttons post
// (POST /me/tasks/ID/place with before=ID or after=ID and the page's CSRF token), then swaps in the
// #tasks section of the page the server answers with, so what is shown is always what was stored.
(function () {
  "use strict";

  var dragged = null; // the <li> being dragged

  function list() { return document.getElementById("open-tasks"); }

  function taskOf(node) {
    while (node && node !== document) {
      if (node.tagName === "LI" && node.parentNode === list()) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  function csrf() {
    var field = document.querySelector("#tasks input[name=csrf]");
    return field ? field.value : "";
  }

  // Before the target when dropped on its upper half, after it on the lower half.
  function placement(target, event) {
    var box = target.getBoundingClientRect();
    return event.clientY < box.top + box.height / 2 ? "before" : "after";
  }

  function clearMarks() {
    var marked = document.querySelectorAll("#open-tasks .drop-before, #open-tasks .drop-after, #open-tasks .dragging");
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("drop-before", "drop-after", "dragging"); }
  }

  function swapIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("tasks");
    var old = document.getElementById("tasks");
    if (!fresh || !old) { window.location.reload(); return; }
    old.replaceWith(document.importNode(fresh, true));
    enable();
  }

  function place(task, where, target) {
    var body = new URLSearchParams();
    body.append("csrf", csrf());
    body.append(where, target.getAttribute("data-id"));
    task.classList.add("saving");
    fetch("/me/tasks/" + encodeURIComponent(task.getAttribute("data-id")) + "/place", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      return response.text().then(function (text) { swapIn(text); });
    }).catch(function () { window.location.reload(); });
  }

  function enable() {
    var ul = list();
    if (!ul || ul.getAttribute("data-drag") === "on") { return; }
    ul.setAttribute("data-drag", "on");
    var items = ul.children;
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute("draggable", "true");
      items[i].classList.add("draggable");
    }
    ul.addEventListener("dragstart", function (event) {
      var task = taskOf(event.target);
      if (!task) { return; }
      dragged = task;
      task.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", task.getAttribute("data-id"));
    });
    ul.addEventListener("dragover", function (event) {
      var target = taskOf(event.target);
      if (!dragged || !target || target === dragged) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      clearMarks();
      dragged.classList.add("dragging");
      target.classList.add(placement(target, event) === "before" ? "drop-before" : "drop-after");
    });
    ul.addEventListener("dragleave", function (event) {
      var target = taskOf(event.target);
      if (target) { target.classList.remove("drop-before", "drop-after"); }
    });
    ul.addEventListener("drop", function (event) {
      var target = taskOf(event.target);
      var task = dragged;
      dragged = null;
      clearMarks();
      if (!task || !target || target === task) { return; }
      event.preventDefault();
      place(task, placement(target, event), target);
    });
    ul.addEventListener("dragend", function () { dragged = null; clearMarks(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enable);
  } else {
    enable();
  }
}());
