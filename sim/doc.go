// Package sim is hashfall's Monte Carlo engine: price paths → miner
// cohorts → blocks and exact retargets → hashprice and security.
//
// # Blocks
//
// Blocks arrive as a Poisson process of rate H(t)/(D·2^32) per second, H the
// running hashrate in H/s and D the difficulty. H is constant over pieces
// (a day for economic scenarios) and set at the start of each piece from the
// miners' decisions. Time is continuous; block timestamps are whole seconds,
// floor(t). Difficulty changes only at the last block of an epoch (height
// mod 2016 = 2015), through consensus.NextWorkRequired on the integer
// timestamps of the epoch's first and last blocks: the 2015-interval span,
// the 4× clamp, the powLimit cap and the compact-bits truncation are
// Bitcoin Core's. Subsidies are consensus.BlockSubsidy at each block's
// height, exact across halvings.
//
// Two engines draw the same process:
//
//   - block: every block costs Exp(1)·D·2^32 hashes; the piece ends when the
//     hashes spent pass H·Δt. Time is only computed for the blocks whose
//     timestamps matter (t = piece start + hashes/H). One exponential per
//     block, drawn by a ziggurat on the concrete PCG (no interface call, no
//     allocation).
//   - fast: N ~ Poisson(H·Δt/(D·2^32)) blocks in what is left of a piece; if
//     the next marked block (an epoch's first or last) is the R-th of them,
//     it falls at t + Δt·Beta(R, N−R+1), the R-th order statistic of N
//     uniforms, and a fresh Poisson process starts there at the new
//     difficulty (strong Markov property). A day costs O(1) draws while
//     every retarget timestamp stays exact in distribution.
//
// The exogenous scenario validates both engines against the analytic
// long-run mean block time, 600·2016/2014 s without growth and Kraft's
// (2016) fixed point with growth (see ExpectedMeanBlockTimeS for the derivations),
// and a two-sample Kolmogorov–Smirnov test checks that the engines agree on
// epoch durations and difficulty changes.
//
// # Price (per path, daily, Δt = 1/365 year)
//
//	gbm:       Δln P = (μ − σ²/2)Δt + σ√Δt·Z
//	merton:    Δln P = (μ − σ²/2 − λk)Δt + σ√Δt·Z + Σ_{i≤N} J_i,
//	           N ~ Poisson(λΔt), J_i ~ N(μ_J, σ_J²), k = e^{μ_J+σ_J²/2} − 1
//	bootstrap: Δln P = r_U, U uniform over the daily log returns of a
//	           (date, close) CSV
//	scripted:  P linear between knots (day, USD), flat after the last
//
// # Fees (BTC per block, per day)
//
//	constant: F = F0;  lognormal: F = F0·exp(σZ − σ²/2);  price_scaled: F = F0·(P/P0)^ε
//
// Day 0 uses F0 and P0, so every path starts from the same state.
//
// # Miners
//
// A cohort is a catalog model × a power price (× AI eligibility), with
// hashrate H_c (H/s) and wall power W_c = H_c/10^12 · J/TH (W). At a
// hashprice h (USD per H/s per day),
//
//	revenue_c = H_c · h · (1 − pool fee)              USD/day
//	cost_c    = W_c · 24/1000 · price_USD/kWh · PUE      USD/day
//	h         = 86400/(D·2^32) · (subsidy + F) · P
//
// Running rule with hysteresis: a running cohort stops when revenue <
// cost·(1 − stop_loss_frac); a stopped one restarts when revenue >
// cost·(1 + restart_margin_frac) and restart_delay_days have passed since it
// stopped. It retires after max_age_days of age, after
// retire_after_off_days switched off, or, if its efficiency is worse than
// retire_above_j_per_th, as soon as it stops. The day-0 fleet is scaled so that the cohorts the running
// rule keeps on give the hashrate implied by the start difficulty,
// D·2^32/600.
//
// What keeps hashrate from reaching zero is explicit and ASSUMED in the
// scenario: fleet.stranded, a must-run floor (a share of day-0 hashrate on
// stranded, flared or subsidised power at its own low price, following the
// running rule but never retired for days off, so a path that loses it
// regains it once the hashprice recovers); fleet.contracted_share of every
// generic cohort, which runs whatever its margin for contracted_days
// (take-or-pay power); fleet.run_through_retarget_days, within which a
// cohort that would stop judges its revenue at the difficulty the next
// retarget is projected to set (projectedRetarget: the rest of the epoch
// at yesterday's hashrate, the consensus clamp); and the hysteresis above. Zero running hashrate is
// possible only when the hashprice falls below the restart level of the
// cheapest-running machine; since difficulty retargets only on blocks, a
// path can then stay dead until the price recovers. Such paths are counted
// as the event network_death_zero_hashrate, and the report's notes state
// these assumptions.
//
// Entry (after Prat & Walter 2021, "An Equilibrium Model of the Market for
// Bitcoin Mining", J. Political Economy 129(8), where investment acts as a
// reflecting barrier on the revenue per hash): the barrier is the hashprice
// at which the entry model pays back its hardware and site,
//
//	b = (hardware_USD/TH·1000 + infra_USD/W·J/TH·1000)/payback_days
//	    + J/TH·1000·24/1000·USD/kWh·PUE                       USD/PH/day.
//
// Once the hashprice has stayed above b for trigger_days, the industry
// orders ΔH = H_D·h/b − H − (already ordered), H_D = D·2^32/600 the
// hashrate the current difficulty stands for (once difficulty catches up,
// hashprice ∝ 1/H at a given reward and price, so this brings it back to
// b), at most capacity_hs_per_day a day, delivered lead_time_days later.
//
// AI/HPC: an AI-eligible cohort converts permanently once
// ai.revenue_usd_per_kwh ≥ factor · revenue_c/(W_c·PUE·24/1000) has held
// for for_days; its hashrate leaves at once, its MW come online as AI
// delay_days later, and the conversion costs capex_usd_per_mw per MW.
//
// Sales: miners sell production_share of the day's production (blocks ×
// (subsidy + fees)), plus reserve_share_when_negative of their reserves on
// days when the running fleet's margin is negative. Sales are an output;
// with feedback_pct_per_1000_btc > 0 they lower the next day's log price by
// that many percent per 1,000 BTC sold.
//
// # Security
//
//	budget    = blocks that day · (subsidy + fees) · P                 USD/day
//	build 51% = H/10^12 · hardware_USD/TH (new machines)              USD
//	rent 51%  = H/10^15 · hashprice_USD/PH/day · (1 + premium)          USD/day
//	confirmations needed = min{z : r(q, z) < ε},  q = H_a / (H + H_a),
//	    H_a = attacker_budget_usd / hardware_USD/TH · 10^12 (default 1e9 USD,
//	    ASSUMED), ε = double_spend_risk (default 0.001), r Rosenfeld's exact
//	    double-spend probability (package security); capped at 1001
//
// # Daily metrics and events
//
//	block time        = 86400 s / blocks mined that day (86400 s if none)
//	underwater share  = Σ H_c (revenue_c < cost_c) / Σ H_c over installed cohorts
//	hashrate by tier  = Σ H_c of running cohorts with J/TH in <20, 20–25, 25–30, ≥30
//	miner sales       = production_share·production (+ reserve sales), BTC/day
//
// Events per path over the horizon: a single retarget with
// D_new/D_old < 1 − x for x = 5, 10, 20%; the running hashrate below each
// events.hashrate_below_hs level on some day; and the days from the first
// day the hashprice is events.dip_pct below the recovery level (day 0's
// hashprice unless set) to the first day it is back at that level.
//
// # Exogenous scenario
//
// H(t) = H0·(1+g)^(t/1209600 s) = H0·e^{κt}, κ = ln(1+g)/1209600 s, H0 =
// D0·2^32/600. Each day is a constant-rate piece at the day's mean
// H0·(e^{κ(a+Δ)} − e^{κa})/(κΔ), which keeps the cumulative hashes, and so
// the block counts at every day boundary, exact; with g = 0 a piece is two
// weeks. mean_block_time_s = Σ timestamp spans / Σ blocks over the epochs
// after the burn-in.
//
// # Noda–Okumura–Hashimoto scenarios (noda-btc, noda-bch)
//
// The model of Noda, Okumura and Hashimoto, "An Economic Analysis of
// Difficulty Adjustment Algorithms in Proof-of-Work Blockchain Systems"
// (SSRN 3410460), exactly as their simulator runs it (see NodaModel for
// the equations and units): per block, hash supply
// H = 55·σ(3·(S·W·12.5 − 1.5)) EH/s and block time B = Exp(1)/(H·W·60)
// min; the price on a 10-minute grid, interpolated at block times; DAA-1
// (Bitcoin) W ← W·ΣB/(2016·10) every 2016 blocks, DAA-2 (Bitcoin Cash)
// W(t+1) = (ΣB/10)/Σ(1/W) over the last 144 blocks. DAA-1 is not Bitcoin
// Core's rule: it sums 2016 block times where Core measures 2015
// intervals, has no ×4 clamp and no compact rounding. The real-Bitcoin
// scenarios keep Core's rule; rule btc-core runs this model with it.
// Only the block engine runs these scenarios: the hash rate changes at
// every block, so the fast engine's constant-rate pieces do not exist and
// it refuses.
//
// Agreement: fed the same price grid and Exp(1) draws, hashfall and the
// peer (okuchap/DAA_Lucas, run from ../shared/peers/noda-daa) agree on
// every block of a 12,096-block run to 10^−13 relative
// (TestNodaReplayMatchesPeer); on their own random numbers, 1,000 runs of
// each pass a two-sample KS test on the mean block time, final winning
// rate and longest block interval, which rejects a sigmoid centre moved
// from 1.5 to 1.6 (TestNodaPeerDistribution).
//
// Findings (TestNodaPaperFindings, 400 runs of 12 weeks): a price shock
// that puts the expected reward at the paper's starting point, 1.58 USD/EH
// just above the sigmoid's centre (Section 6.1; `noda: {price_shock_usd:
// 1200}` on the flat history of noda-btc), reproduces Table 2 of Section
// 6.3. Under DAA-1 the mean block time is 12.3 min (paper 12.80), a run
// has a block over two hours with probability 0.89 (paper 0.85) and over
// three hours 0.42 (paper 0.53): the hash rate leaves, blocks slow, and the
// winning rate only catches up at the next retarget, which then overshoots
// (Section 6.2, Figure 6: the slowest of the 400 DAA-1 runs, path 365 of
// seed 5, reports 4,456 blocks in the 12,096-block horizon; on the same
// prices and draws DAA-2 reports 11,999). Under DAA-2 the mean stays at
// 10.05 min (paper 10.03) and a three-hour block almost never happens
// (0.000–0.003; paper 0.002). Bitcoin Core's exact rule does not change the
// conclusion: its 2015-interval span under-measures each epoch by one
// block, so W ends slightly lower and blocks slightly longer (12.28 against
// 12.27 min), and the ×4 clamp can only delay the easing after a crash;
// compact rounding moves W by less than 2^−15.
//
// Speed: the peer's loop runs about 120k blocks/s; hashfall runs DAA-1
// about 1,200× as fast on one core (BENCHMARKS.md). Path i draws its price
// walk and its Exp(1) draws from two xoshiro256++ streams (nodaStream) by
// inversion and Box–Muller, with branch-free arithmetic, so that on amd64
// with AVX2 four runs share each vector instruction, and 16 runs are
// interleaved so that their serial chains (price → block time → elapsed
// time → price) overlap. Every run returns the same bits as the one-run
// loop (TestNodaLanesMatchSingle), whichever CPU runs it; without AVX2 the
// same arithmetic runs in Go at about a quarter of the speed.
//
// # Outputs and reproducibility
//
// Path i draws everything from rand.NewPCG(seed, i) (a Noda path from its
// two xoshiro256++ streams nodaStream(seed, 2i) and nodaStream(seed,
// 2i+1)), so a run is the same whatever the number of threads and however
// it is sharded. Daily quantile
// bands come from DDSketches with 0.2% relative accuracy whose integer
// counts merge exactly, so `hashfall merge` of shard files prints what one
// run prints. The exogenous scenario keeps exact per-path totals instead.
//
// The default scenario starts from economics.Snapshot2026Feb; its fleet mix,
// power-cost distribution and behavioural parameters are ASSUMED and say so
// in the scenario file and in every report.
package sim
