// machines.js: the Machines calculator — inputs default to serve's live
// values and keep following them until the user changes one; the URL
// keeps what the user changed, and the table and chart come from
// /api/v1/machines with those inputs (serve does the arithmetic).
"use strict";
(function () {
  const f = hf.fmt;
  const inputs = { price: "in-price", power_cost: "in-power", pue: "in-pue", pool_fee: "in-fee" };
  const fromAPI = { price: "price_usd", power_cost: "power_usd_per_kwh", pue: "pue", pool_fee: "pool_fee_pct" };
  let sortKey = "profit_usd_day", sortDir = -1, rows = [];
  // An input the user changed (or the URL set) is "set": it is sent and
  // kept in the URL; the others show, and follow, serve's live values.
  const url = new URL(location.href);
  for (const k in inputs) {
    if (!url.searchParams.has(k)) continue;
    const el = document.getElementById(inputs[k]);
    el.value = url.searchParams.get(k);
    el.dataset.set = "1";
  }

  function query() {
    const q = new URLSearchParams();
    for (const k in inputs) {
      const el = document.getElementById(inputs[k]);
      const v = el.value.trim();
      if (el.dataset.set && v !== "") q.set(k, v);
    }
    return q;
  }

  let timer = 0;
  document.getElementById("calc").addEventListener("input", (e) => {
    if (e.target.dataset) e.target.dataset.set = "1";
    clearTimeout(timer);
    timer = setTimeout(() => hf.refresh(), 250);
  });
  document.getElementById("calc").addEventListener("submit", (e) => { e.preventDefault(); hf.refresh(); });
  document.getElementById("reset").addEventListener("click", () => {
    for (const k in inputs) delete document.getElementById(inputs[k]).dataset.set;
    hf.refresh();
  });
  document.querySelectorAll("#machines-table th").forEach((th) => {
    th.querySelector("button").addEventListener("click", () => {
      if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = th.dataset.type === "text" ? 1 : -1; }
      draw();
    });
  });

  async function refresh() {
    const q = query();
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
    const m = await hf.api("/api/v1/machines" + (q.toString() ? "?" + q : ""));
    if (m.error) { hf.msg("calc-msg", m.error); return; }
    hf.msg("calc-msg", "");
    for (const k in inputs) {
      const el = document.getElementById(inputs[k]);
      if (!el.dataset.set || el.value.trim() === "") el.value = m[fromAPI[k]];
    }
    rows = m.machines;
    const under = rows.filter((r) => r.profit_usd_day < 0).length;
    const s = document.getElementById("calc-summary");
    s.textContent = rows.length + " models at " + f.usd(m.price_usd, 0) + ", " + f.usd(m.power_usd_per_kwh, 3) + "/kWh, PUE " + m.pue + ", pool fee " + m.pool_fee_pct + "%: " + under + " underwater.";
    s.dataset.power = String(m.power_usd_per_kwh);
    draw();
    chart(m);
  }

  function draw() {
    const sorted = rows.slice().sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      return (typeof x === "string" ? x.localeCompare(y) : x - y) * sortDir;
    });
    document.querySelectorAll("#machines-table th").forEach((th) => {
      if (th.dataset.key === sortKey) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending"); else th.removeAttribute("aria-sort");
    });
    // Columns in the header's order; the ones a phone shows without
    // scrolling (model, profit, shutdown price) come first.
    hf.fillTable(document.getElementById("machines-table"), sorted, (r) => [
      [r.model], [f.usd(r.profit_usd_day), r.profit_usd_day], [f.usd(r.shutdown_price_usd, 0), r.shutdown_price_usd],
      [f.num(r.cost_ratio, 3), r.cost_ratio], [f.usd(r.revenue_usd_day), r.revenue_usd_day], [f.usd(r.power_usd_day), r.power_usd_day],
      [f.usd(r.breakeven_power_usd_kwh, 4), r.breakeven_power_usd_kwh], [f.num(r.j_per_th, 1), r.j_per_th], [f.num(r.th_s, 0), r.th_s],
    ], (r) => (r.profit_usd_day < 0 ? "underwater" : ""));
  }

  function chart(m) {
    const c = hf.colors();
    const pts = rows.slice().sort((a, b) => a.j_per_th - b.j_per_th);
    hf.chart("chart-shutdown", {
      title: "Shutdown price against efficiency", x: { label: "efficiency (J/TH)" },
      y: { label: "BTC price (USD)", fmt: (v) => f.usd(v, 0), tick: (v) => "$" + f.num(v / 1000, 0) + "k" },
      series: [
        { label: "shutdown price, profitable", points: true },
        { label: "shutdown price, underwater", points: true, color: c.bad },
        { label: "today's price", color: c.s2, width: 1.5, dash: [6, 4] },
      ],
      csv: ["j_per_th", "shutdown_price_usd_profitable", "shutdown_price_usd_underwater", "price_usd"],
    }, [
      pts.map((r) => r.j_per_th),
      pts.map((r) => (r.profit_usd_day < 0 ? null : r.shutdown_price_usd)),
      pts.map((r) => (r.profit_usd_day < 0 ? r.shutdown_price_usd : null)),
      pts.map(() => m.price_usd),
    ]);
  }

  hf.start(refresh);
})();
