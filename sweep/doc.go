// Package sweep runs a simulation scenario over a map of parameter values —
// the security-budget question at research scale — split into tasks that a
// batch scheduler (Slurm job arrays, Kubernetes Indexed Jobs) or one machine
// runs independently, and merges their result files.
//
// # Spec
//
// A sweep file names a base scenario (built-in or file), axes (a scenario
// key such as fees.… or ai.factor with a list of values or a range), a
// design (grid: every combination; lhs: Latin hypercube of `samples` cells
// drawn with `seed`), paths per cell and the horizon. Errors name the line.
//
// # Seeds
//
// Cell c runs with seed s_c = SplitMix64(seed ⊕ SplitMix64(c)) and path i of
// it draws from PCG(s_c, i), so a path's numbers depend only on the spec, the
// cell and i — never on the number of tasks or on which task ran it.
//
// # Tasks
//
// The work of a path is its expected simulated blocks, 144·horizon_days
// (difficulty retargets hold the block rate near one per 600 s). Laying
// every (cell, path) end to end in cell order with that weight, task i of N
// takes the paths whose start offset falls in [W·i/N, W·(i+1)/N), W the
// total; a cell may be split between tasks, so tasks are balanced by blocks
// whatever the cells' horizons and path counts.
//
// # Results per cell
//
// Over the paths of a cell:
//
//   - p_security_budget_below: the share of paths on which the security
//     budget, Σ_blocks (subsidy + fees)·price in USD/day, falls below the
//     spec's security_threshold_usd_per_day on some day of the horizon;
//   - hashrate_p50_hs, hashrate_p5_hs: median and 5th percentile (exact order
//     statistics, type 1: the ⌈q·n⌉-th smallest) of the running hashrate on
//     the last day;
//   - ai_hashrate_share_mean: the mean over paths of the hashrate converted to
//     AI/HPC by the last day, divided by the hashrate running on day 0;
//   - p_hashprice_below_breakeven and first_day_below_breakeven_p50: the share
//     of paths on which the hashprice falls below the fleet breakeven, and
//     the median first such day (type 1 over all paths, a path that never
//     falls counting as +∞, so it is empty when fewer than half fall). The
//     breakeven is the spec's breakeven_usd_per_ph_day, or by default
//     sim.FleetBreakevenUSDPerPHDay: the hashprice at which the fleet running
//     on day 0 covers its power bill net of the pool fee (power only);
//   - confirmations_needed_worst_day_p50 and _p95: per path, the most
//     confirmations needed on any day of the horizon (the worst day, not
//     the last), then the median and the 95th percentile (type 1) over
//     paths — high is bad, so p95 is the bad tail. A day's count is sim's
//     confirmations_needed series (sim.DayOutcome.ConfirmationsNeeded):
//     Rosenfeld's smallest z with double-spend success probability below
//     the cell's double_spend_risk (security.Thresholds) for the attacker
//     share q = H_a/(H + H_a), H the day's running hashrate and H_a the
//     hashrate attacker_budget_usd buys new at the scenario's attack
//     hardware USD/TH. Both inputs are ASSUMED (columns attacker_budget_usd
//     and double_spend_risk; sim.SecurityModel.BudgetAttacker gives their
//     defaults). sim.MaxConfirmationsNeeded + 1 = 1001 means "more than
//     1000", which includes q ≥ ½.
//
// Result files hold every path's figures in path order, so merging task
// files is concatenation and the merged file is byte-identical to the file
// of a one-task run.
package sweep
