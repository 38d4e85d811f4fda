// dragoman dashboard: small progressive enhancements. The pages work without it.
// Loaded from /static (the Content-Security-Policy allows no inline script).
"use strict";

(function () {
  function byId(name, attr) {
    // Elements whose space-separated `attr` list contains `name`.
    return Array.prototype.filter.call(
      document.querySelectorAll("[" + attr + "]"),
      function (el) { return el.getAttribute(attr).split(" ").indexOf(name) >= 0; });
  }

  function clearFocus() {
    document.querySelectorAll(".focus").forEach(function (el) { el.classList.remove("focus"); });
  }

  // Article view: pointing at an event in the list outlines its trigger in the text,
  // and clicking a trigger in the text shows its event in the list.
  function focusEvent(id, scrollText) {
    clearFocus();
    var marks = byId(id, "data-events");
    marks.forEach(function (m) { m.classList.add("focus"); });
    var item = document.querySelector('.event-item[data-event="' + CSS.escape(id) + '"]');
    if (item) { item.classList.add("focus"); }
    if (scrollText && marks.length) { marks[0].scrollIntoView({ block: "center", behavior: "smooth" }); }
    if (!scrollText && item) { item.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  document.querySelectorAll(".event-item[data-event]").forEach(function (item) {
    var id = item.getAttribute("data-event");
    item.addEventListener("mouseenter", function () { focusEvent(id, false); });
    item.addEventListener("click", function () { focusEvent(id, true); });
    item.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { focusEvent(id, true); }
    });
  });
  document.querySelectorAll("mark[data-events]").forEach(function (mark) {
    mark.addEventListener("click", function () {
      focusEvent(mark.getAttribute("data-events").split(" ")[0], false);
    });
  });

  // Network: hovering a country dims the edges it takes no part in.
  var net = document.getElementById("network");
  if (net) {
    net.querySelectorAll(".node").forEach(function (node) {
      var code = node.getAttribute("data-code");
      node.addEventListener("mouseenter", function () {
        net.querySelectorAll(".edge").forEach(function (e) {
          var on = e.getAttribute("data-source") === code || e.getAttribute("data-target") === code;
          e.classList.toggle("dim", !on);
        });
      });
      node.addEventListener("mouseleave", function () {
        net.querySelectorAll(".edge.dim").forEach(function (e) { e.classList.remove("dim"); });
      });
    });
  }

  // Filter forms: leave empty fields out of the URL (the server ignores them anyway),
  // so that links to a filtered view stay short and readable.
  document.querySelectorAll("form.filters").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("input, select").forEach(function (el) {
        if (el.type !== "checkbox" && el.value.trim() === "") { el.disabled = true; }
      });
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.filters [disabled]").forEach(function (el) {
      el.disabled = false;
    });
  });

  // Paste form: show that extraction is running (the first one loads the language model).
  var form = document.getElementById("paste-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("extract-button");
      if (button) { button.disabled = true; button.textContent = "Extracting…"; }
    });
  }
})();
