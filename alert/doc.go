// Package alert turns the monitor's figures into notifications: rules
// evaluated on every new state (and on a clock, for staleness), each with
// hysteresis or a for-duration so that a value hovering at its line does
// not flap, firing once per crossing and resolving once; transitions go to
// a log line, a JSON webhook (with retries and backoff) and the list of
// active alerts.
//
// A rule's condition and its exit:
//
//	hashprice_below         value < threshold; resolves when value ≥ threshold·(1 + hysteresis)
//	fleet_model_underwater  machines of model with negative profit > 0; resolves at 0
//	fleet_site_underwater   site profit per day < 0; resolves when ≥ 0
//	retarget_p50_below      next-retarget p50 change (percent) < threshold;
//	                        resolves when ≥ threshold + hysteresis_pct
//	retarget_p50_above      p50 change > threshold; resolves when ≤ threshold − hysteresis_pct
//	difficulty_adjusted     an event (status "event") each time the difficulty changes
//	capitulation            hash ribbons in capitulation; fires at the start, resolves at the end
//	price_stale             price older than minutes
//	node_stale              node has not confirmed the state for minutes
//
// for_minutes delays firing until the condition has held that long.
//
// The webhook also carries other JSON bodies (Webhook.Send) on the same
// ordered queue with the same retries: serve's live curtailment decisions
// for a site's control system.
package alert
