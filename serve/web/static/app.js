// app.js: what every dashboard page shares — API calls, the header bar
// (as_of, source, staleness), live refresh over Server-Sent Events, number
// formats, tables and uPlot charts with hover read-out and PNG/CSV download.
// Plain JS, no build step. A page script calls hf.start(refresh).
"use strict";
(function () {
  const hf = (window.hf = { charts: {}, meta: null, refreshes: 0 });

  // api fetches a serve endpoint as JSON; a non-2xx answer resolves to
  // {error, status} so a page can show serve's one-line message.
  hf.api = async function (path, init) {
    const r = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, init || {}));
    let body;
    try { body = await r.json(); } catch (e) { body = { error: "not JSON (" + r.status + ")" }; }
    if (!r.ok) return { error: (body && body.error) || "HTTP " + r.status, status: r.status };
    if (body && body.as_of) hf.setMeta(body);
    return body;
  };

  // ---- number formats (the raw value goes in data-value for tests) ----
  const nf = (d) => new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  // Figures beyond a trillion (regtest difficulty makes hashprice absurd)
  // are shown in exponent form so that they fit a phone screen.
  const huge = (v) => Math.abs(v) >= 1e12;
  hf.fmt = {
    usd: (v, d = 2) => (huge(v) ? "$" + v.toExponential(3) : "$" + nf(d).format(v)),
    num: (v, d = 2) => (huge(v) ? v.toExponential(3) : nf(d).format(v)),
    pct: (v, d = 2) => (v > 0 ? "+" : "") + nf(d).format(v) + "%",
    btc: (v) => (huge(v) ? v.toExponential(3) : nf(8).format(v)) + " BTC",
    ehs: (v) => { const p = hf.si(v); return hf.fmt.sig(v / p.div) + " " + p.prefix + "H/s"; },
    diffT: (v) => { const p = hf.si(v); return hf.fmt.sig(v / p.div) + (p.prefix ? " " + p.prefix : ""); },
    sig: (v) => (huge(v) ? v.toExponential(3) : new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 }).format(v)),
    date: (s) => { const d = new Date(s); return isNaN(d) ? "–" : d.toISOString().slice(0, 16).replace("T", " "); },
    day: (s) => new Date(s).toISOString().slice(0, 10),
  };

  // si picks the SI prefix that puts v in [1, 1000): mainnet hashrate is in
  // EH/s and its difficulty in T, a regtest node's in H/s and units.
  const prefixes = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"];
  hf.si = function (v) {
    let i = 0;
    while (i < prefixes.length - 1 && Math.abs(v) >= 1000 ** (i + 1)) i++;
    return { prefix: prefixes[i], div: 1000 ** i };
  };

  // put writes a formatted value into the element #id and its raw value
  // into data-value.
  hf.put = function (id, raw, text) {
    const el = document.getElementById(id);
    if (!el) return;
    el.dataset.value = raw == null ? "" : String(raw);
    el.textContent = raw == null ? "–" : text;
  };

  hf.msg = function (id, text) {
    const el = document.getElementById(id);
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
  };

  // ---- header bar ----
  const labels = ["LIVE", "SNAPSHOT", "SYNTHETIC", "ASSUMED"];
  let staleBase = 0, staleAt = 0;
  hf.setMeta = function (m) {
    hf.meta = m;
    const found = labels.filter((l) => m.source === l || (m.notes || []).some((n) => n.includes(l)) || (m.price_source || "").includes(l));
    const src = document.getElementById("source");
    src.textContent = found.length ? found.join(" · ") : m.source;
    src.dataset.value = m.source;
    const asOf = document.getElementById("as-of");
    asOf.textContent = "block " + m.as_of.height + " · " + hf.fmt.date(m.as_of.time) + " UTC" + (m.price_source ? " · price: " + m.price_source : "");
    asOf.dataset.height = m.as_of.height;
    staleBase = m.stale_s || 0; staleAt = Date.now();
    document.getElementById("bar").classList.toggle("stale", !!m.stale);
    showStale();
    const notes = document.getElementById("notes");
    notes.hidden = !(m.notes && m.notes.length);
    notes.textContent = (m.notes || []).join(" · ");
  };
  function age(s) {
    if (s < 120) return Math.round(s) + " s";
    if (s < 7200) return Math.round(s / 60) + " min";
    if (s < 172800) return Math.round(s / 3600) + " h";
    return Math.round(s / 86400) + " d";
  }
  function showStale() {
    if (!hf.meta) return;
    const s = staleBase + (Date.now() - staleAt) / 1000;
    document.getElementById("staleness").textContent = (hf.meta.stale ? "STALE · " : "") + "updated " + age(s) + " ago";
  }
  setInterval(showStale, 5000);

  // metaPollMs is how often the header asks serve whether its state is
  // still confirmed: when the node goes silent no block event comes, yet
  // the header must turn amber. /readyz carries the meta fields only.
  hf.metaPollMs = 10000;
  async function pollMeta() {
    try {
      const r = await fetch("/readyz", { headers: { Accept: "application/json" } });
      const m = await r.json();
      if (m && m.as_of) hf.setMeta(m);
    } catch (e) {
      document.getElementById("bar").classList.add("stale");
      document.getElementById("staleness").textContent = "serve unreachable";
    }
  }

  // start runs refresh now and again on every new state serve announces.
  hf.start = function (refresh) {
    let running = null, again = false;
    async function run() {
      if (running) { again = true; return; }
      running = (async () => {
        try { await refresh(); } catch (e) { console.warn("refresh:", e); }
        hf.refreshes++;
        document.body.dataset.refreshes = hf.refreshes;
        if (hf.meta) document.body.dataset.height = hf.meta.as_of.height;
      })();
      await running;
      running = null;
      if (again) { again = false; run(); }
    }
    const go = () => {
      run();
      if (!window.EventSource) return;
      const es = new EventSource("/api/v1/events");
      const dot = document.getElementById("live-dot");
      let first = true;
      es.addEventListener("state", () => { if (first) { first = false; return; } run(); });
      es.onopen = () => dot.classList.add("on");
      es.onerror = () => dot.classList.remove("on");
      window.addEventListener("pagehide", () => es.close());
      setInterval(pollMeta, hf.metaPollMs);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go); else go();
    hf.refresh = run;
  };

  // ---- tables ----
  // fillTable replaces tbody rows: cells(row) returns [text, raw?] pairs.
  hf.fillTable = function (table, rows, cells, rowClass) {
    const tb = table.tBodies[0];
    tb.replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      if (rowClass) { const c = rowClass(r); if (c) tr.className = c; }
      for (const c of cells(r)) {
        const td = document.createElement("td");
        if (c instanceof Node) td.append(c); else { td.textContent = c[0]; if (c.length > 1) td.dataset.value = String(c[1]); }
        tr.append(td);
      }
      return tr;
    }));
  };

  // ---- charts (uPlot) ----
  function cssVar(n) { return getComputedStyle(document.documentElement).getPropertyValue(n).trim(); }
  hf.colors = () => ({ fg: cssVar("--fg"), muted: cssVar("--muted"), line: cssVar("--line"), accent: cssVar("--accent"), band: cssVar("--band"), band2: cssVar("--band2"), s2: cssVar("--series2"), bad: cssVar("--bad"), bg: cssVar("--bg") });

  function download(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // chart draws (or redraws) a uPlot chart inside the element #id.
  // spec: {title, x: {label, time}, y: {label, fmt}, series: [{label, color,
  // dash, points, band}], bands: [[hiIdx, loIdx, fill]], csv: [names], height}
  // data: [xs, ys1, ys2, ...] in plotted units.
  hf.chart = function (id, spec, data) {
    const host = document.getElementById(id);
    if (!host) return null;
    const old = hf.charts[id];
    if (old) { old.u.destroy(); host.replaceChildren(); }
    const c = hf.colors();
    const fig = document.createElement("figure");
    fig.className = "chart";
    const cap = document.createElement("figcaption");
    const t = document.createElement("span");
    t.textContent = spec.title;
    const dl = document.createElement("span");
    dl.className = "dl";
    const png = document.createElement("button");
    png.type = "button"; png.textContent = "PNG"; png.setAttribute("aria-label", "Download " + spec.title + " as PNG");
    const csv = document.createElement("button");
    csv.type = "button"; csv.textContent = "CSV"; csv.setAttribute("aria-label", "Download " + spec.title + " as CSV");
    dl.append(png, csv);
    cap.append(t, dl);
    const plot = document.createElement("div");
    plot.className = "plot";
    plot.setAttribute("role", "img");
    plot.setAttribute("aria-label", spec.title + " chart; values in the legend under it and in the CSV download");
    fig.append(cap, plot);
    host.append(fig);
    const width = Math.max(200, plot.clientWidth || host.clientWidth || 600);
    const yfmt = spec.y.fmt || ((v) => (v == null ? "–" : nf(2).format(v)));
    const series = [{ label: spec.x.label, value: spec.x.time ? (u, v) => (v == null ? "–" : new Date(v * 1000).toISOString().slice(0, 10)) : (u, v) => (v == null ? "–" : nf(spec.x.digits == null ? 1 : spec.x.digits).format(v)) }];
    for (const s of spec.series) {
      series.push({
        label: s.label, stroke: s.color || c.accent, width: s.width || 2, dash: s.dash,
        fill: s.fill, value: (u, v) => (v == null ? "–" : yfmt(v)),
        points: s.points ? { show: true, size: 6, fill: s.color || c.accent } : { show: false },
        paths: s.points ? () => null : undefined, spanGaps: true,
      });
    }
    const opts = {
      width, height: spec.height || 260,
      scales: { x: { time: !!spec.x.time } },
      axes: [
        { label: spec.x.label, stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line } },
        { label: spec.y.label, stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line }, size: 70, values: (u, vs) => vs.map((v) => (spec.y.tick ? spec.y.tick(v) : yfmt(v))) },
      ],
      series,
      bands: (spec.bands || []).map((b) => ({ series: [b[0], b[1]], fill: b[2] || c.band })),
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    const u = new uPlot(opts, data, plot);
    png.onclick = () => {
      const src = u.ctx.canvas;
      const out = document.createElement("canvas");
      out.width = src.width; out.height = src.height;
      const g = out.getContext("2d");
      g.fillStyle = c.bg; g.fillRect(0, 0, out.width, out.height);
      g.drawImage(src, 0, 0);
      out.toBlob((b) => download(id + ".png", b), "image/png");
    };
    csv.onclick = () => download(id + ".csv", new Blob([hf.csv(spec, data)], { type: "text/csv" }));
    hf.charts[id] = { u, spec, data };
    // Follow the layout: a chart drawn before its grid cell settled, or a
    // window resized, gets the width of its box.
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        const w = plot.clientWidth;
        if (w > 0 && Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
      }).observe(plot);
    }
    return u;
  };

  // csv is one table: the x column (ISO time when x is time), then each series.
  hf.csv = function (spec, data) {
    const head = (spec.csv || [spec.x.label].concat(spec.series.map((s) => s.label))).map((h) => '"' + String(h).replace(/"/g, '""') + '"');
    const lines = [head.join(",")];
    for (let i = 0; i < data[0].length; i++) {
      const row = [spec.x.time ? new Date(data[0][i] * 1000).toISOString() : data[0][i]];
      for (let j = 1; j < data.length; j++) row.push(data[j][i] == null ? "" : data[j][i]);
      lines.push(row.join(","));
    }
    return lines.join("\n") + "\n";
  };

  // benchChart times drawing n points of a 1-year hashrate-like series into
  // a detached chart (the browser tests read it; the data is SYNTHETIC).
  hf.benchChart = async function (n) {
    const host = document.createElement("div");
    host.id = "bench-chart";
    host.style.width = "1200px";
    document.body.append(host);
    const xs = new Float64Array(n), ys = new Float64Array(n);
    const t0 = 1735689600, step = (365 * 86400) / n;
    for (let i = 0; i < n; i++) { xs[i] = t0 + i * step; ys[i] = 900 + 100 * Math.sin(i / 500) + 30 * Math.sin(i * 7.1); }
    const start = performance.now();
    hf.chart("bench-chart", { title: "SYNTHETIC benchmark", x: { label: "time", time: true }, y: { label: "EH/s" }, series: [{ label: "hashrate EH/s" }] }, [Array.from(xs), Array.from(ys)]);
    await Promise.resolve(); // uPlot commits its first draw in a microtask
    const ms = performance.now() - start;
    hf.charts["bench-chart"].u.destroy();
    delete hf.charts["bench-chart"];
    host.remove();
    return ms;
  };
})();
