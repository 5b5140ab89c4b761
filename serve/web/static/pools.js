// pools.js: the Pools page — shares over a window and the Nakamoto
// coefficient, from /api/v1/pools?days=, and the largest pools' shares
// per day (per week beyond 30 days) from /api/v1/pools/history.
"use strict";
(function () {
  const f = hf.fmt;
  const days = document.getElementById("in-days");
  days.addEventListener("change", () => hf.refresh());
  // history draws the five pools with the most blocks over the last
  // max(window, 30) days, one line each, plus the rest together.
  async function history() {
    const n = Math.max(30, Number(days.value));
    const interval = n > 30 ? "week" : "day";
    const h = await hf.api("/api/v1/pools/history?days=" + n + "&interval=" + interval);
    if (h.error || !h.history || h.history.length === 0) { hf.msg("pool-hist-msg", h.error || "no blocks"); return; }
    hf.msg("pool-hist-msg", "");
    const total = {};
    for (const b of h.history) for (const s of b.shares) total[s.pool] = (total[s.pool] || 0) + s.blocks;
    const top = Object.keys(total).sort((a, b) => total[b] - total[a] || a.localeCompare(b)).slice(0, 5);
    const c = hf.colors(), palette = [c.accent, c.s2, c.bad, c.fg, c.muted];
    const share = (b, pool) => { const s = b.shares.find((x) => x.pool === pool); return s ? s.share_pct : 0; };
    const data = [h.history.map((b) => Date.parse(b.start) / 1000)];
    const series = [];
    top.forEach((pool, i) => {
      data.push(h.history.map((b) => share(b, pool)));
      series.push({ label: pool, color: palette[i], dash: i % 2 ? [6, 3] : undefined });
    });
    const rest = Object.keys(total).length > top.length;
    if (rest) {
      data.push(h.history.map((b) => 100 - top.reduce((a, p) => a + share(b, p), 0)));
      series.push({ label: "other pools", color: c.muted, dash: [2, 3], width: 1.5 });
    }
    hf.chart("chart-pool-shares", {
      title: "Pool shares per " + interval, x: { label: interval + " (UTC)", time: true }, y: { label: "share of blocks, %", fmt: (v) => f.num(v, 1) + "%" },
      series, csv: ["start"].concat(top.map((p) => p + " share_pct")).concat(rest ? ["other share_pct"] : []),
    }, data);
  }

  async function table() {
    const p = await hf.api("/api/v1/pools?days=" + encodeURIComponent(days.value));
    if (p.error) { hf.msg("pools-msg", p.error); return; }
    hf.msg("pools-msg", "");
    hf.put("nakamoto", p.nakamoto_coefficient, String(p.nakamoto_coefficient));
    hf.put("pool-blocks", p.blocks, String(p.blocks));
    const top = Math.max(1, ...p.shares.map((s) => s.share_pct));
    hf.fillTable(document.getElementById("pools-table"), p.shares, (s) => {
      const bar = document.createElement("span");
      bar.className = "share";
      bar.style.width = (100 * s.share_pct) / top + "px";
      return [[s.pool], [String(s.blocks), s.blocks], [f.num(s.share_pct, 1) + "%", s.share_pct], bar];
    });
  }

  hf.start(async () => { await Promise.all([table(), history()]); });
})();
