// riskrank dashboard: sorting and filtering of the ranking table. The view
// lives in the page's #fragment (sort=KEY&dir=asc|desc&group=G&tier=T&q=TEXT),
// so it can be bookmarked; nothing here makes a request.
(function () {
  "use strict";
  var table = document.getElementById("ranking");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells).filter(function (th) { return th.dataset.key; });
  var tierOrder = { high: 0, elevated: 1, moderate: 2, low: 3 };
  var q = document.getElementById("q"), group = document.getElementById("group"), tier = document.getElementById("tier");
  var shown = document.getElementById("shown");

  function readState() {
    var state = { sort: "rank", dir: "asc", group: "", tier: "", q: "" };
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv.length === 2 && kv[0] in state) { state[kv[0]] = decodeURIComponent(kv[1].replace(/\+/g, " ")); }
    });
    return state;
  }

  function writeState(state) {
    var parts = [];
    ["sort", "dir", "group", "tier", "q"].forEach(function (k) { if (state[k]) { parts.push(k + "=" + encodeURIComponent(state[k])); } });
    var hash = "#" + parts.join("&");
    if (location.hash !== hash) { history.replaceState(null, "", hash); }
  }

  function value(row, head) {
    var raw = row.dataset[head.dataset.key];
    if (head.dataset.type === "number") { return parseFloat(raw); }
    if (head.dataset.type === "tier") { return tierOrder[raw]; }
    return raw.toLowerCase();
  }

  function apply(state) {
    var head = heads.filter(function (h) { return h.dataset.key === state.sort; })[0] || heads[0];
    var sign = state.dir === "desc" ? -1 : 1;
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    head.setAttribute("aria-sort", sign > 0 ? "ascending" : "descending");
    var sorted = rows.slice().sort(function (a, b) {
      var x = value(a, head), y = value(b, head);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return parseInt(a.dataset.rank, 10) - parseInt(b.dataset.rank, 10);
    });
    var needle = state.q.toLowerCase(), count = 0;
    sorted.forEach(function (row) {
      var keep = (!state.group || row.dataset.group === state.group) && (!state.tier || row.dataset.tier === state.tier) &&
        (!needle || row.dataset.name.toLowerCase().indexOf(needle) >= 0 || row.dataset.department.toLowerCase().indexOf(needle) >= 0);
      row.hidden = !keep;
      if (keep) { count += 1; }
      body.appendChild(row);
    });
    q.value = state.q; group.value = state.group; tier.value = state.tier;
    shown.textContent = count + " of " + rows.length + " departments shown";
    writeState(state);
  }

  heads.forEach(function (head) {
    head.querySelector("button").addEventListener("click", function () {
      var state = readState();
      state.dir = state.sort === head.dataset.key && state.dir === "asc" ? "desc" : "asc";
      state.sort = head.dataset.key;
      apply(state);
    });
  });
  [q, group, tier].forEach(function (control) {
    control.addEventListener("input", function () {
      var state = readState();
      state.q = q.value; state.group = group.value; state.tier = tier.value;
      apply(state);
    });
  });
  window.addEventListener("hashchange", function () { apply(readState()); });
  apply(readState());
})();
