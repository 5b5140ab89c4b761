// fleet.js: the Fleet page — /api/v1/fleet/status: the fleet's profit
// today, its breakeven price, what to switch off now, then each site and
// each site×model group as a table (keys as serve names them); with a
// curtail config, /api/v1/fleet/curtail/now's decisions per class first.
"use strict";
(function () {
  const f = hf.fmt;
  function cell(v) {
    if (v == null) return "";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : f.num(v, Math.abs(v) < 1 ? 4 : 2);
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
    t.id = "fleet-" + title.toLowerCase().replace(/\W+/g, "-");
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => rows.every((r) => r[k] == null || typeof r[k] !== "object"));
    const head = t.createTHead().insertRow();
    for (const k of keys) { const th = document.createElement("th"); th.scope = "col"; th.textContent = k.replace(/_/g, " "); head.append(th); }
    t.append(document.createElement("tbody"));
    hf.fillTable(t, rows, (r) => keys.map((k) => [cell(r[k]), r[k]]), (r) => (r.switch_off || r.profit_usd_day < 0 ? "underwater" : ""));
    wrap.append(t);
    sec.append(h, wrap);
    return sec;
  }
  hf.start(async () => {
    const s = await hf.api("/api/v1/fleet/status");
    const body = document.getElementById("fleet-body");
    const sum = document.getElementById("fleet-summary");
    if (s.error) { hf.msg("fleet-msg", s.error); body.replaceChildren(); sum.hidden = true; await hf.api("/api/v1/network"); return; }
    hf.msg("fleet-msg", "");
    sum.hidden = false;
    const tot = s.totals || {};
    hf.put("fleet-profit", tot.profit_usd_day, f.usd(tot.profit_usd_day, 0) + "/day");
    hf.put("fleet-profit-curtailed", tot.profit_if_curtailed_usd_day, f.usd(tot.profit_if_curtailed_usd_day, 0) + "/day");
    hf.put("fleet-breakeven", tot.breakeven_price_usd, f.usd(tot.breakeven_price_usd, 0));
    hf.put("fleet-cash-breakeven", tot.cash_breakeven_price_usd, f.usd(tot.cash_breakeven_price_usd, 0));
    const off = (s.groups || []).filter((g) => g.switch_off);
    const machines = off.reduce((n, g) => n + (g.count || 0), 0);
    hf.put("fleet-switch-off", machines, machines + " machines");
    document.getElementById("fleet-switch-list").textContent = off.length ? off.map((g) => g.count + " × " + g.model + " at " + g.site).join("; ") : "nothing: every group earns more than its power costs";
    const parts = [];
    if (s.sites) parts.push(table("Sites", s.sites));
    if (s.groups) parts.push(table("Groups", s.groups));
    // Live curtailment, when serve has a curtail config (else a 404).
    const c = await hf.api("/api/v1/fleet/curtail/now");
    if (!c.error && c.classes) {
      parts.unshift(table("Curtailment now", c.classes.map((k) => ({
        class: k.class, interval_id: k.now.interval_id, point: k.now.point, safe_state: k.now.safe_state,
        reason: k.now.reason, price_usd_per_mwh: k.now.price_usd_per_mwh, strike_usd_per_mwh: k.now.strike_usd_per_mwh,
        hashprice_usd_per_ph_day: k.now.hashprice_usd_per_ph_day, next_points: (k.next || []).map((d) => d.point).join(" → "),
      }))));
    }
    body.replaceChildren(...parts);
  });
})();
