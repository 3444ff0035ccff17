(function () {
  "use strict";
  var $ = function (s) { return document.querySelector(s); };
  var all = function (s) { return Array.prototype.slice.call(document.querySelectorAll(s)); };
  var keys = ["sev", "svc", "area", "region", "account", "status"];
  function read() {
    var f = {};
    keys.forEach(function (k) { var el = $("#f-" + k); f[k] = el ? el.value : ""; });
    f.q = ($("#f-q").value || "").toLowerCase();
    return f;
  }
  function apply() {
    var f = read(), shown = 0;
    // A row's own attribute, else its rule section's (a rule's rows share
    // severity, service, area and rule id).
    var value = function (row, k) {
      var holder = row.closest("[data-" + k + "]");
      return holder ? holder.getAttribute("data-" + k) : "";
    };
    all("tr.finding").forEach(function (row) {
      var ok = keys.every(function (k) { return !f[k] || value(row, k) === f[k]; }) &&
        (!f.q || row.textContent.toLowerCase().indexOf(f.q) >= 0 || value(row, "rule").indexOf(f.q) >= 0);
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    all(".rule, .group").forEach(function (g) {
      g.hidden = g.querySelectorAll("tr.finding:not([hidden])").length === 0;
    });
    $("#shown").textContent = String(shown);
    var h = [];
    keys.concat(["q"]).forEach(function (k) { if (f[k]) { h.push(k + "=" + encodeURIComponent(f[k])); } });
    if (history.replaceState) { history.replaceState(null, "", h.length ? "#" + h.join("&") : location.pathname); }
  }
  function fromHash() {
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var kv = pair.split("="), el = $("#f-" + kv[0]);
      if (el && kv.length === 2) { el.value = decodeURIComponent(kv[1]); }
    });
  }
  function passing() {
    var table = $("#passing-table"), body = table.querySelector("tbody");
    if (!body.children.length) {
      var rows = JSON.parse($("#passing-data").textContent);
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) {
        var tr = document.createElement("tr");
        r.forEach(function (cell) { var td = document.createElement("td"); td.textContent = cell; tr.appendChild(td); });
        frag.appendChild(tr);
      });
      body.appendChild(frag);
    }
    table.hidden = !table.hidden;
  }
  fromHash();
  all(".filters select, .filters input").forEach(function (el) { el.addEventListener("input", apply); });
  var button = $("#show-passing");
  if (button) { button.addEventListener("click", passing); }
  apply();
  document.documentElement.setAttribute("data-ready", "1");
}());
