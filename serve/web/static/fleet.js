// fleet.js: the Fleet page — /api/v1/fleet/status as tables: one per
// list (sites, groups) and the totals, keys shown as serve names them.
"use strict";
(function () {
  function cell(v) {
    if (v == null) return "";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : hf.fmt.num(v, Math.abs(v) < 1 ? 4 : 2);
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function table(title, rows) {
    const sec = document.createElement("section");
    const h = document.createElement("h2");
    h.textContent = title;
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", title + " table");
    const t = document.createElement("table");
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => typeof rows[0][k] !== "object" || rows[0][k] === null);
    const head = t.createTHead().insertRow();
    for (const k of keys) { const th = document.createElement("th"); th.scope = "col"; th.textContent = k; head.append(th); }
    t.append(document.createElement("tbody"));
    hf.fillTable(t, rows, (r) => keys.map((k) => [cell(r[k]), r[k]]), (r) => (r.profit_usd_day < 0 ? "underwater" : ""));
    wrap.append(t);
    sec.append(h, wrap);
    return sec;
  }
  hf.start(async () => {
    const s = await hf.api("/api/v1/fleet/status");
    const body = document.getElementById("fleet-body");
    if (s.error) { hf.msg("fleet-msg", s.error); body.replaceChildren(); await hf.api("/api/v1/network"); return; }
    hf.msg("fleet-msg", "");
    const parts = [];
    for (const [k, v] of Object.entries(s)) {
      if (Array.isArray(v) && v.length && typeof v[0] === "object") parts.push(table(k, v));
    }
    if (s.totals && typeof s.totals === "object") parts.push(table("totals", [s.totals]));
    body.replaceChildren(...parts);
  });
})();
