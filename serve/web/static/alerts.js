// alerts.js: the Alerts page — active and recent alerts and the rules in
// force, from /api/v1/alerts.
"use strict";
(function () {
  hf.start(async () => {
    await hf.api("/api/v1/network");
    const a = await hf.api("/api/v1/alerts");
    if (a.error) { hf.msg("alerts-msg", a.error); return; }
    const list = a.alerts || [];
    hf.msg("alerts-msg", list.length ? "" : "No alerts: none configured, or none has fired.");
    hf.fillTable(document.getElementById("alerts-table"), list, (x) => [
      [x.rule || ""], [x.kind || ""], [x.state || ""], [x.value == null ? "" : hf.fmt.sig(x.value), x.value],
      [x.threshold == null ? "" : hf.fmt.sig(x.threshold), x.threshold], [x.since ? hf.fmt.date(x.since) : ""], [x.message || ""],
    ], (x) => (x.state === "firing" ? "firing" : ""));
    const rules = a.rules || [];
    const sec = document.getElementById("rules-section");
    sec.dataset.rows = String(rules.length);
    sec.hidden = rules.length === 0;
    hf.fillTable(document.getElementById("rules-table"), rules, (r) => [
      [r.name], [r.kind], [hf.fmt.sig(r.threshold) + (r.unit ? " " + r.unit : ""), r.threshold], [[r.model, r.site].filter(Boolean).join(" / ")],
      [hf.fmt.sig(r.hysteresis), r.hysteresis], [hf.fmt.sig(r.for_minutes), r.for_minutes], [r.minutes == null ? "" : hf.fmt.sig(r.minutes), r.minutes],
    ]);
  });
})();
