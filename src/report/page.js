// claimex report: filters and the detail panel. No framework, no network.
// Filters can be preset in the address: #min=0.5&types=quantity,event&source=Name
(function () {
  "use strict";
  var root = document.documentElement;
  var minInput = document.getElementById("f-min");
  var minShown = document.getElementById("f-min-value");
  var sourceSelect = document.getElementById("f-source");
  var typeBoxes = Array.prototype.slice.call(document.querySelectorAll("#f-types input[type=checkbox]"));
  var panel = document.getElementById("panel-body");

  function each(selector, f) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), f);
  }

  function fromHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    if (params.min !== undefined && minInput) minInput.value = params.min;
    if (params.types !== undefined) {
      var wanted = params.types.split(",");
      typeBoxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    if (params.source !== undefined && sourceSelect) sourceSelect.value = params.source;
  }

  function apply() {
    var min = minInput ? parseFloat(minInput.value) || 0 : 0;
    if (minShown) minShown.textContent = min.toFixed(2);
    var source = sourceSelect ? sourceSelect.value : "";
    var types = {};
    typeBoxes.forEach(function (b) { if (b.checked) types[b.value] = true; });
    var visible = {}, all = {};
    each(".k-claim", function (el) {
      var id = el.getAttribute("data-id");
      all[id] = true;
      var typed = el.getAttribute("data-types").split(" ").some(function (t) { return types[t]; });
      var on = typed && parseFloat(el.getAttribute("data-cw")) >= min && (source === "" || el.getAttribute("data-source") === source);
      el.classList.toggle("off", !on);
      if (on) visible[id] = true;
    });
    each(".badges", function (el) { el.classList.toggle("off", !visible[el.getAttribute("data-for")]); });
    each(".k-source, .k-cue, .k-content", function (el) {
      el.classList.toggle("off", source !== "" && el.getAttribute("data-source") !== source);
    });
    var shown = Object.keys(visible).length;
    root.setAttribute("data-claims-shown", String(shown));
    var counter = document.getElementById("shown");
    if (counter) counter.textContent = shown + " of " + Object.keys(all).length + " claims shown";
  }

  function show(el) {
    var detail = document.getElementById("detail-" + el.getAttribute("data-kind") + "-" + el.getAttribute("data-id"));
    if (detail && panel) {
      panel.innerHTML = "";
      var copy = detail.cloneNode(true);
      copy.removeAttribute("id");
      panel.appendChild(copy);
    }
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest(".hl") : null;
    if (el) show(el);
  });
  document.addEventListener("mouseover", function (e) {
    var el = e.target.closest ? e.target.closest(".hl:not(.k-sentence)") : null;
    if (el) show(el);
  });
  [minInput, sourceSelect].concat(typeBoxes).forEach(function (c) {
    if (c) c.addEventListener("input", apply);
    if (c) c.addEventListener("change", apply);
  });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
  root.setAttribute("data-claimex-ready", "1");
})();
