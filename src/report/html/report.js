(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var checks = Array.prototype.slice.call(document.querySelectorAll("article.check"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.category"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=status]"));
  var category = document.getElementById("f-category");
  var search = document.getElementById("f-search");
  var shown = document.getElementById("f-shown");
  function text(el) { return el ? el.textContent.toLowerCase() : ""; }
  function apply() {
    var statuses = {};
    boxes.forEach(function (b) { statuses[b.value] = b.checked; });
    var cat = category.value;
    var q = search.value.trim().toLowerCase();
    var count = 0;
    checks.forEach(function (c) {
      var ok = statuses[c.getAttribute("data-status")] === true &&
        (cat === "" || c.getAttribute("data-category") === cat);
      var findings = c.querySelectorAll("li.finding");
      if (ok && q !== "") {
        var head = text(c.querySelector(".check-head")) + " " + text(c.querySelector(".summary")) +
          " " + text(c.querySelector(".note"));
        var headMatch = head.indexOf(q) >= 0;
        var any = false;
        Array.prototype.forEach.call(findings, function (f) {
          var m = headMatch || text(f).indexOf(q) >= 0;
          f.hidden = !m;
          any = any || m;
        });
        ok = headMatch || any;
        var more = c.querySelector("details.more");
        if (more && any && !headMatch) { more.open = true; }
      } else {
        Array.prototype.forEach.call(findings, function (f) { f.hidden = false; });
      }
      c.hidden = !ok;
      if (ok) { count += 1; }
    });
    sections.forEach(function (s) {
      s.hidden = s.querySelector("article.check:not([hidden])") === null;
    });
    shown.textContent = "Showing " + count + " of " + checks.length + " checks";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      search.focus();
    }
  });
  // Printing shows everything: open every fold, close them again after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  form.hidden = false;
  apply();
})();
