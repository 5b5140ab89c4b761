// simulate.js: the Simulate page — POST /api/v1/simulate with the bearer
// token, poll the job for progress, then draw fan charts (p5–p95 and
// p25–p75 bands, median line) and the event probabilities.
"use strict";
(function () {
  const f = hf.fmt;
  const tokenEl = document.getElementById("in-token");
  tokenEl.value = sessionStorage.getItem("hashfall-token") || "";
  const fans = [
    ["hashrate_hs", "Hashrate", "EH/s", 1e18, (v) => f.num(v, 0)],
    ["difficulty", "Difficulty", "T (10¹²)", 1e12, (v) => f.num(v, 1)],
    ["hashprice_usd_per_ph_day", "Hashprice", "USD per PH/day", 1, (v) => "$" + f.num(v, 1)],
    ["underwater_share", "Share of hashrate underwater", "% of hashrate", 0.01, (v) => f.num(v, 1) + "%"],
    ["security_budget_usd_per_day", "Security budget", "million USD/day", 1e6, (v) => "$" + f.num(v, 1) + "M"],
  ];

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  document.getElementById("sim").addEventListener("submit", async (e) => {
    e.preventDefault();
    const run = document.getElementById("run");
    run.disabled = true;
    try { await simulate(); } finally { run.disabled = false; }
  });

  async function simulate() {
    hf.msg("sim-msg", "");
    const token = tokenEl.value.trim();
    sessionStorage.setItem("hashfall-token", token);
    const pick = document.getElementById("in-scenario").value;
    const body = pick === "yaml" ? document.getElementById("in-yaml").value : pick;
    const q = new URLSearchParams({
      paths: document.getElementById("in-paths").value,
      horizon_days: document.getElementById("in-horizon").value,
      seed: document.getElementById("in-seed").value,
    });
    const status = document.getElementById("sim-status");
    const bar = document.getElementById("sim-progress");
    bar.value = 0;
    status.textContent = "submitting";
    const r = await fetch("/api/v1/simulate?" + q, { method: "POST", headers: { Authorization: "Bearer " + token, "Content-Type": "text/plain" }, body });
    const j = await r.json().catch(() => ({ error: "HTTP " + r.status }));
    if (!r.ok) { hf.msg("sim-msg", j.error || "HTTP " + r.status); status.textContent = "failed"; return; }
    let job = j;
    while (job.status === "queued" || job.status === "running") {
      status.textContent = job.status + " " + Math.round(100 * (job.progress || 0)) + "%";
      bar.value = job.progress || 0;
      await sleep(200);
      job = await hf.api("/api/v1/jobs/" + encodeURIComponent(j.id));
      if (job.error && !job.status) { hf.msg("sim-msg", job.error); status.textContent = "failed"; return; }
    }
    if (job.status !== "done") { hf.msg("sim-msg", job.error || job.status); status.textContent = job.status; return; }
    bar.value = 1;
    status.textContent = "done" + (job.cached ? " (cached)" : "");
    draw(job.summary);
    document.body.dataset.simDone = job.id;
  }

  function draw(sum) {
    const c = hf.colors();
    const host = document.getElementById("fans");
    host.replaceChildren();
    for (const [metric, title, unit, scale, tick] of fans) {
      const rows = sum.daily_bands.filter((b) => b.metric === metric);
      if (!rows.length) continue;
      const id = "fan-" + metric;
      const div = document.createElement("div");
      div.id = id;
      host.append(div);
      const col = (k) => rows.map((r) => (r[k] == null ? null : r[k] / scale));
      hf.chart(id, {
        title: title + " (" + sum.run.paths + " paths)", x: { label: "day", digits: 0 }, y: { label: unit, fmt: (v) => tick(v), tick },
        series: [
          { label: "p95", color: c.band2, width: 1 }, { label: "p75", color: c.band2, width: 1 },
          { label: "median", color: c.accent, width: 2 },
          { label: "p25", color: c.band2, width: 1 }, { label: "p5", color: c.band2, width: 1 },
        ],
        bands: [[1, 5, c.band], [2, 4, c.band]],
        csv: ["day", metric + "_p95", metric + "_p75", metric + "_p50", metric + "_p25", metric + "_p5"],
      }, [rows.map((r) => r.day), col("p95"), col("p75"), col("p50"), col("p25"), col("p5")]);
    }
    document.getElementById("events-section").hidden = !(sum.events && sum.events.length);
    hf.fillTable(document.getElementById("events-table"), sum.events || [], (e) => [[e.event.replace(/_/g, " ")], [f.num(100 * e.probability, 1) + "%", e.probability], [String(e.paths), e.paths]]);
    document.getElementById("sim-notes").textContent = (sum.notes || []).join(" · ");
  }

  hf.start(async () => { await hf.api("/api/v1/network"); });
})();
