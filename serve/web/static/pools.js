// pools.js: the Pools page — shares over a window and the Nakamoto
// coefficient, from /api/v1/pools?days=.
"use strict";
(function () {
  const f = hf.fmt;
  const days = document.getElementById("in-days");
  days.addEventListener("change", () => hf.refresh());
  hf.start(async () => {
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
  });
})();
