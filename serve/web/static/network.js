// network.js: the Network page — big numbers, history charts with ranges,
// the next-retarget distribution and the biggest difficulty drops.
"use strict";
(function () {
  const f = hf.fmt;
  let range = "365";

  document.querySelectorAll(".ranges button").forEach((b) => {
    b.addEventListener("click", () => {
      range = b.dataset.range;
      document.querySelectorAll(".ranges button").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
      history();
    });
  });

  async function numbers() {
    const [hp, hr, net, nr] = await Promise.all([
      hf.api("/api/v1/hashprice"), hf.api("/api/v1/hashrate"), hf.api("/api/v1/network"), hf.api("/api/v1/nextretarget"),
    ]);
    if (!hp.error) {
      hf.put("hashprice-usd", hp.usd_per_ph_day, f.usd(hp.usd_per_ph_day) + " /PH/day");
      hf.put("hashprice-btc", hp.btc_per_ph_day, f.btc(hp.btc_per_ph_day) + " /PH/day");
      hf.put("price", hp.price_usd, f.usd(hp.price_usd, 0));
      document.getElementById("price-source").textContent = "source: " + (hp.price_source || hp.source);
    }
    if (!hr.error) {
      hf.put("hashrate", hr.hashrate_hs, f.ehs(hr.hashrate_hs));
      hf.put("hashrate-ci", hr.ci_low_hs, f.ehs(hr.ci_low_hs) + " – " + f.ehs(hr.ci_high_hs) + " (" + hr.blocks + " blocks)");
      document.getElementById("hashrate-ci").dataset.high = String(hr.ci_high_hs);
      hf.put("hashrate-core", hr.getnetworkhashps_hs, f.ehs(hr.getnetworkhashps_hs));
    } else {
      hf.put("hashrate", null);
      hf.put("hashrate-ci", null);
      document.getElementById("hashrate-ci").textContent = hr.error;
    }
    if (!net.error) hf.put("difficulty", net.difficulty, f.diffT(net.difficulty));
    retarget(nr);
  }

  function retarget(nr) {
    const table = document.getElementById("retarget-table");
    table.parentElement.hidden = !!nr.error;
    if (nr.error) {
      hf.put("retarget-change", null);
      hf.msg("retarget-msg", nr.error);
      return;
    }
    hf.msg("retarget-msg", "");
    hf.put("retarget-change", nr.change_p50_pct, f.pct(nr.change_p50_pct));
    hf.put("retarget-date", nr.date_p50, f.date(nr.date_p50) + " UTC");
    hf.put("retarget-range", nr.change_p5_pct, f.pct(nr.change_p5_pct) + " to " + f.pct(nr.change_p95_pct));
    hf.fillTable(table, [
      ["p5", nr.change_p5_pct, nr.date_p95],
      ["p50", nr.change_p50_pct, nr.date_p50],
      ["p95", nr.change_p95_pct, nr.date_p5],
    ], (r) => [[r[0]], [f.pct(r[1]), r[1]], [f.date(r[2])]]);
    document.getElementById("retarget-note").textContent =
      nr.blocks_left + " blocks to height " + nr.retarget_height + "; P(decrease) = " + f.num(100 * nr.prob_decrease, 1) +
      "%. A lower change goes with a later date (the p5 change with the p95 date).";
    // The distribution drawn as its 90% range of difficulty change, with
    // the median and 0% marked.
    const host = document.getElementById("chart-retarget");
    let bar = host.querySelector(".range-bar");
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "range-bar";
      bar.setAttribute("role", "img");
      bar.innerHTML = '<div class="zero"></div><div class="band"></div><div class="mid"></div>';
      host.append(bar);
    }
    const lo = Math.min(nr.change_p5_pct, 0), hi = Math.max(nr.change_p95_pct, 0);
    const pad = Math.max(1, (hi - lo) * 0.1), a = lo - pad, b = hi + pad;
    const pos = (v) => (100 * (v - a)) / (b - a) + "%";
    bar.querySelector(".zero").style.left = pos(0);
    const band = bar.querySelector(".band");
    band.style.left = pos(nr.change_p5_pct);
    band.style.width = (100 * (nr.change_p95_pct - nr.change_p5_pct)) / (b - a) + "%";
    bar.querySelector(".mid").style.left = pos(nr.change_p50_pct);
    bar.setAttribute("aria-label", "difficulty change 90% interval " + f.pct(nr.change_p5_pct) + " to " + f.pct(nr.change_p95_pct) + ", median " + f.pct(nr.change_p50_pct) + "; the line marks 0%");
    // The whole distribution as a CDF of the change, when it spreads
    // (regtest's fixed difficulty gives one value: nothing to draw).
    const cq = nr.change_quantiles_pct || [];
    const cdf = document.getElementById("chart-retarget-cdf");
    cdf.hidden = !(cq.length > 1 && cq[cq.length - 1].change_pct > cq[0].change_pct);
    if (!cdf.hidden) {
      hf.chart("chart-retarget-cdf", {
        title: "Next retarget change, cumulative probability", x: { label: "difficulty change, %", digits: 2 },
        y: { label: "P(change ≤ x)", fmt: (v) => f.num(100 * v, 0) + "%" },
        series: [{ label: "P(change ≤ x)", points: true }], csv: ["change_pct", "q"],
      }, [cq.map((c) => c.change_pct), cq.map((c) => c.q)]);
    }
  }

  function fromParam() {
    if (range === "all" || !hf.meta) return "";
    const end = new Date(hf.meta.as_of.time);
    return "&from=" + new Date(end.getTime() - Number(range) * 86400e3).toISOString().slice(0, 10);
  }

  async function history() {
    const q = "?interval=day" + fromParam();
    const [hp, hr] = await Promise.all([hf.api("/api/v1/hashprice/history" + q), hf.api("/api/v1/hashrate/history" + q)]);
    const c = hf.colors();
    const msgs = [];
    if (hp.error) msgs.push(hp.error);
    else {
      const rows = hp.history;
      // Days without an imported close are priced at the current quote;
      // serve's note says so and the page repeats it.
      if (hp.price_note) msgs.push(hp.price_note);
      hf.chart("chart-hashprice", {
        title: "Hashprice", x: { label: "day (UTC)", time: true }, y: { label: "USD per PH/day", fmt: (v) => f.usd(v) },
        series: [{ label: "hashprice USD/PH/day" }], csv: ["day", "hashprice_usd_per_ph_day"],
      }, [rows.map((r) => Date.parse(r.day) / 1000), rows.map((r) => r.hashprice_usd_per_ph_day)]);
    }
    if (hr.error) msgs.push(hr.error);
    else {
      const rows = hr.history;
      const xs = rows.map((r) => Date.parse(r.day) / 1000);
      const hu = hf.si(Math.max(...rows.map((r) => r.hashrate_hs)));
      const du = hf.si(Math.max(...rows.map((r) => r.difficulty)));
      const eh = (v) => (v == null ? null : v / hu.div);
      const data = [xs, rows.map((r) => eh(r.hashrate_hs))];
      const series = [{ label: "unbiased (blocks' work / 24 h)" }];
      const unit = hu.prefix + "H/s";
      const csv = ["day", "hashrate_" + unit.toLowerCase().replace("/", "_")];
      let bands;
      if (rows.some((r) => r.ci_low_hs != null)) {
        data.push(rows.map((r) => eh(r.ci_high_hs)), rows.map((r) => eh(r.ci_low_hs)));
        series.push({ label: "95% high", color: c.band2, width: 1 }, { label: "95% low", color: c.band2, width: 1 });
        csv.push(csv[1] + "_ci_high", csv[1] + "_ci_low");
        bands = [[2, 3, c.band]];
      }
      if (rows.some((r) => r.getnetworkhashps_hs != null)) {
        data.push(rows.map((r) => eh(r.getnetworkhashps_hs)));
        series.push({ label: "Core getnetworkhashps", color: c.s2, width: 1.5, dash: [6, 4] });
        csv.push(csv[1] + "_getnetworkhashps");
      }
      hf.chart("chart-hashrate", {
        title: "Hashrate", x: { label: "day (UTC)", time: true }, y: { label: unit, fmt: (v) => f.sig(v) + " " + unit, tick: (v) => f.sig(v) },
        series, bands, csv,
      }, data);
      hf.chart("chart-difficulty", {
        title: "Difficulty", x: { label: "day (UTC)", time: true }, y: { label: "difficulty" + (du.prefix ? " (" + du.prefix + " = " + du.div.toExponential(0).replace("e+", "e") + ")" : ""), fmt: (v) => f.sig(v) + (du.prefix ? " " + du.prefix : ""), tick: (v) => f.sig(v) },
        series: [{ label: "difficulty" }], csv: ["day", "difficulty" + (du.prefix ? "_" + du.prefix : "")],
      }, [xs, rows.map((r) => r.difficulty / du.div)]);
    }
    hf.msg("history-msg", msgs.join(" · "));
  }

  // drops ranks the ten largest downward adjustments of the whole
  // difficulty history the store holds (serve's native endpoint); the
  // section stays hidden when there is none or no history (503).
  async function drops() {
    const d = await hf.api("/api/v1/difficulty/history?largest_drops=10");
    const sec = document.getElementById("drops-section");
    const rows = d.error || !Array.isArray(d.rows) ? [] : d.rows;
    sec.dataset.rows = String(rows.length);
    sec.hidden = rows.length === 0;
    if (rows.length === 0) return;
    hf.fillTable(document.getElementById("drops-table"), rows,
      (r) => [[String(r.rank)], [String(r.start_height), r.start_height], [r.start_time ? f.day(r.start_time) : "–"], [f.pct(r.change_pct), r.change_pct], [f.diffT(r.difficulty)]]);
  }

  // doubleSpend lists `hashfall security`'s default table from
  // /api/v1/security: Rosenfeld confirmations and the cost of each share
  // for the attack's hours (ASSUMED prices, named in the note).
  async function doubleSpend() {
    const s = await hf.api("/api/v1/security");
    const sec = document.getElementById("ds-section");
    const rows = s.error || !Array.isArray(s.double_spend) ? [] : s.double_spend;
    sec.dataset.rows = String(rows.length);
    sec.hidden = rows.length === 0;
    if (rows.length === 0) return;
    hf.fillTable(document.getElementById("ds-table"), rows, (r) => [
      [f.num(100 * r.attacker_share, 0) + "%", r.attacker_share],
      r.confirmations_needed == null ? ["none suffices"] : [String(r.confirmations_needed), r.confirmations_needed],
      [(r.rent_available ? "" : "not rentable: ") + f.usd(r.rent_usd, 0), r.rent_usd],
      [f.usd(r.build_total_usd, 0), r.build_total_usd],
    ]);
    const r = rows[0], label = r.label.split(" | ");
    document.getElementById("ds-note").textContent = "Attack of " + f.num(r.hours, 0) + " h; " + r.model + " model, risk " +
      f.num(100 * r.risk, 1) + "%. " + label.join(". ") + ".";
  }

  hf.start(async () => {
    await numbers();
    await Promise.all([history(), drops(), doubleSpend()]);
  });
})();
