// Package serve is hashfall's always-on monitor: it follows the node (as
// `hashfall sync --follow` does), computes one immutable State per new
// block or price tick, and answers an HTTP API, Prometheus /metrics and
// Server-Sent Events from it. Handlers only read the State through an
// atomic pointer; no request rescans the store.
//
// # API (stable once committed; JSON keys snake_case with units)
//
// Every /api/v1 answer except errors, events and jobs starts with the meta
// fields:
//
//	as_of {height, time}  the block the state describes (time RFC 3339)
//	source                "LIVE" (a node/store) or "SNAPSHOT" (embedded Feb 2026)
//	price_source          where price_usd came from ("SNAPSHOT", "fixed $X",
//	                      "store (hashfall import prices)", "median of kraken, ...")
//	stale_s, stale        seconds since the node last confirmed the state
//	                      (a SNAPSHOT: its age; stale is always true for it)
//	notes                 optional labels (SNAPSHOT, ASSUMED inputs)
//
// Errors are one line: {"error": "...", "parameter": "name"} (parameter
// only when a query parameter is at fault): 400 bad parameter, 401 token,
// 404, 413 body over 1 MiB, 429 rate limit, 503 state not computed yet or
// the measure needs blocks the SNAPSHOT lacks.
//
// Routes, then fields after the meta fields:
//
//	GET /healthz                      {status:"ok"}
//	GET /readyz                       200 {status:"ready", meta} once a state exists, else 503
//	GET /metrics                      Prometheus text format, hashfall_* series
//	GET /api/v1/events                text/event-stream: "event: state" data {"height":N}
//	                                  at connect and after every new state
//	GET /api/v1/network               chain, difficulty, bits, price_usd, subsidy_sat,
//	                                  fees_per_block_sat, security_budget_usd_per_day
//	GET /api/v1/hashprice             usd_per_ph_day, btc_per_ph_day, usd_per_th_day,
//	                                  implied_difficulty, implied_hashrate_hs, price_usd
//	GET /api/v1/hashprice/history     ?from=&to= (YYYY-MM-DD|RFC3339|unix) &interval=day|week|month
//	                                  &format=json|csv (or Accept: text/csv):
//	                                  interval, history[{day, height, price_usd, difficulty,
//	                                  subsidy_sat, fees_sma144_sat, hashprice_btc_per_ph_day,
//	                                  hashprice_usd_per_ph_day, puell_multiple, price_assumed}];
//	                                  a day with no imported close is priced at the current
//	                                  quote (price_assumed; price_note says ASSUMED; Puell 0
//	                                  where its year holds such a day)
//	GET /api/v1/hashrate/history      same parameters: interval, history[{day, blocks,
//	                                  hashrate_hs, difficulty, subsidy_sat, fees_sat, last_height,
//	                                  ci_low_hs?, ci_high_hs? (the day's exact Poisson interval at
//	                                  the serve confidence), getnetworkhashps_hs? (Core's 120
//	                                  blocks ending at last_height)}]
//	GET /api/v1/machines              ?price=&power_cost=&pue=&pool_fee=(percent)&model=
//	                                  price_usd, power_usd_per_kwh, pue, pool_fee_pct,
//	                                  machines[{model, th_s, watts, j_per_th, revenue_btc_day,
//	                                  revenue_usd_day, power_usd_day, profit_usd_day, cost_ratio,
//	                                  shutdown_price_usd, breakeven_power_usd_kwh, payback_days?}]
//	GET /api/v1/hashrate              ?blocks=(-1: since retarget)&height=&confidence=
//	                                  getnetworkhashps_hs, hashrate_hs, ci_low_hs, ci_high_hs,
//	                                  confidence, blocks, from_height, to_height, span_s
//	GET /api/v1/nextretarget          tip_height, epoch_start_height, retarget_height,
//	                                  blocks_left, difficulty, rate_blocks, point_change_pct,
//	                                  point_difficulty, point_time_s, change_p5_pct,
//	                                  change_p50_pct, change_p95_pct, time_p5_s, time_p50_s,
//	                                  time_p95_s, prob_decrease, point_date, date_p5,
//	                                  date_p50, date_p95 (change p5 goes with date p95),
//	                                  change_quantiles_pct[{q, change_pct}], date_quantiles[{q,
//	                                  date}] at q = 0.01, 0.05, 0.10, ..., 0.95, 0.99 (exact)
//	GET /api/v1/signals               day, hashprice_usd_per_ph_day, hashprice_btc_per_ph_day,
//	                                  puell_multiple|null, difficulty_ribbon_compression|null,
//	                                  fleet_j_per_th, power_usd_per_kwh, revenue_to_cost,
//	                                  sma30_hs, sma60_hs, in_capitulation,
//	                                  days_in_capitulation, ribbon_events[{day, kind}]
//	GET /api/v1/pools                 ?days=1..430: days, blocks, nakamoto_coefficient,
//	                                  shares[{pool, blocks, share_pct}]
//	GET /api/v1/pools/history         ?days=1..430 (30) &interval=day|week (weeks from Monday):
//	                                  days, interval, history[{start, blocks, nakamoto_coefficient,
//	                                  hhi, unknown_pct, empty_blocks, shares[{pool, blocks,
//	                                  share_pct, empty_blocks}]}] as `hashfall pools series`
//	                                  (the last bucket is partial: it ends at the tip)
//	GET /api/v1/pools/luck            ?days=1..400 (7): days, share_days (30), blocks,
//	                                  pools[{pool, blocks, share_pct, share_from, expected_blocks,
//	                                  luck_pct, tail, p_value}] as `hashfall pools luck`
//	GET /api/v1/energy                date, hashrate_hs, power_usd_per_kwh, threshold_j_per_th,
//	                                  profitable_models, none_profitable, lower|best|upper_j_per_th,
//	                                  lower|best|upper_gw, lower|best|upper_twh_per_yr
//	GET /api/v1/security              budget_usd_per_day, budget_usd_per_th_day, hashrate_hs,
//	                                  attack_days, build_hardware_usd, build_energy_usd,
//	                                  build_total_usd, attack_power_gw, budget_days_to_build
//	                                  (these absent without an energy estimate),
//	                                  asic_usd_per_th_assumed, double_spend[] as `hashfall
//	                                  security --format json` at its defaults (Rosenfeld,
//	                                  risk 0.1%, shares 0.1/0.3/0.45, 24 h, ASSUMED prices in
//	                                  label): attacker_share, confirmations_needed, rent_usd,
//	                                  rent_available, build_total_usd, rewards_usd, ...
//	GET /api/v1/difficulty/history    ?since=&until= (start time) and at most one of
//	                                  largest_drops=N, largest_rises=N, drawdowns=N, rank=PCT;
//	                                  &format=json|csv: view (periods|largest_drops|
//	                                  largest_rises|drawdowns), rows[] as `hashfall difficulty
//	                                  history --format json`; with rank: the ChangeRank fields
//	                                  (change_pct, direction, rank, as_large, changes,
//	                                  last_as_large_*). Recomputed once per new period.
//	GET /api/v1/fleet/status          (with --fleet; else 404) groups[], sites[], totals{}
//	                                  as `hashfall fleet status --format json`
//	GET /api/v1/fleet/curtail/now     (with --fleet and a curtail config; else 404; 503 before
//	                                  the first decision) decided_at, interval_id, step_s,
//	                                  price_format, price_error?, configured_safe_state,
//	                                  hashprice_source (LIVE|SNAPSHOT),
//	                                  classes[{class, now, next[horizon_intervals]}], each a
//	                                  power.Decision {class, interval_id, interval_start, point,
//	                                  safe_state, reason, price_usd_per_mwh, strike_usd_per_mwh,
//	                                  hashprice_usd_per_ph_day, price_as_of, hashprice_as_of}
//	GET /api/v1/alerts                alerts[{rule, kind, state, value, threshold, since, message}],
//	                                  rules[{name, kind, threshold, unit?, model?, site?,
//	                                  hysteresis, for_minutes, minutes?}] (the rules in force;
//	                                  never the webhook URL)
//	POST /api/v1/simulate             bearer token; body: a built-in scenario name (default, bear,
//	                                  ai-pivot, exogenous) or scenario YAML (≤ 1 MiB; no bootstrap
//	                                  price files); ?paths=1..2000 (500) &horizon_days=1..1095
//	                                  &seed= &engine=fast|block → 202 Job (Location: /api/v1/jobs/{id});
//	                                  the same body, options and seed again → the cached Job
//	GET /api/v1/jobs/{id}             (Accept: text/event-stream: "event: job" per change, until done)
//	                                  Job {id, status: queued|running|done|failed, progress 0-1,
//	                                  cached, scenario, paths, horizon_days, seed, error?,
//	                                  summary? (as simulate --format json), created, finished?}
//
// mempool.space-compatible mining endpoints (mempool's key names and units;
// interval words 24h 3d 1w 1m 3m 6m 1y 2y 3y all) are listed in mempool.go.
package serve
