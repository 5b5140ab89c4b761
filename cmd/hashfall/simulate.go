package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/sim"
)

func init() { register(newSimulateCmd) }

// shardWritten is what simulate prints after writing a shard file.
type shardWritten struct {
	File       string `json:"file"`
	Shard      string `json:"shard"`
	FirstPath  int    `json:"first_path"`
	PathsInRun int    `json:"paths_in_shard"`
	TotalPaths int    `json:"total_paths"`
}

func newSimulateCmd() *cobra.Command {
	var (
		scenario, engine, htmlPath, shard, out, replay string
		paths, horizon, threads, epochs                int
		seed                                           uint64
		growth                                         float64
	)
	cmd := &cobra.Command{
		Use:   "simulate --scenario NAME|FILE.yaml [--paths N] [--horizon-days D] [--seed S] [--threads T] [--engine block|fast] [--html FILE]",
		Short: "Monte Carlo of price → miners → difficulty → hashprice → security",
		Long: `simulate runs a scenario many times and prints daily quantile bands and
event probabilities. Built-in scenarios: default, bear, ai-pivot, exogenous,
noda-btc, noda-bch.
The same seed gives the same output whatever --threads is.

The exogenous scenario has no price and no miners: the hashrate grows by
--growth-pct-per-2w percent every two weeks for --epochs retarget epochs
(after 100 epochs of burn-in), and the result is compared with the analytic
mean block time.

noda-btc and noda-bch run the model of Noda, Okumura and Hashimoto (sigmoid
hash supply, price walk, the paper's DAA-1 and DAA-2 rules, not Bitcoin
Core's) on the block engine; the fast engine refuses them. --replay FILE
runs one path of a Noda scenario on a given price grid and Exp(1) draws (a
CSV with the header price_usd,exp1; row k is the price at k·b_target
minutes and the draw of block k) and prints every block, to compare with
another simulator fed the same file.

--shard k/N --out FILE runs the k-th (0-based) of N slices of the paths and
writes a shard file; "hashfall merge FILES..." prints what one run would.

A scenario file may start from a built-in and change what it needs, e.g.
"what if the price falls to $70k over a month and stays there":

  base: default
  name: flat-70k
  price: {model: scripted, points: [{day: 30, price_usd: 70000}]}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if scenario == "" {
				return usageErrorf("--scenario is required (built-ins: %s, or a YAML file)", strings.Join(sim.BuiltinScenarios(), ", "))
			}
			s, err := sim.LoadScenario(scenario)
			if err != nil {
				return usageErrorf("--scenario: %v", err)
			}
			flags := cmd.Flags()
			if flags.Changed("growth-pct-per-2w") || flags.Changed("epochs") {
				if s.Kind != sim.KindExogenous {
					return usageErrorf("--growth-pct-per-2w and --epochs apply only to the exogenous scenario")
				}
				if flags.Changed("growth-pct-per-2w") {
					s.Exogenous.GrowthPctPer2W = growth
				}
				if flags.Changed("epochs") {
					s.Exogenous.Epochs = epochs
				}
				if s.Exogenous.GrowthPctPer2W < 0 || s.Exogenous.GrowthPctPer2W > 300 {
					return usageErrorf("--growth-pct-per-2w must be between 0 and 300, got %g", s.Exogenous.GrowthPctPer2W)
				}
				if s.Exogenous.Epochs < 1 {
					return usageErrorf("--epochs must be ≥ 1, got %d", s.Exogenous.Epochs)
				}
			}
			if replay != "" {
				return replayNoda(cmd, s, replay)
			}
			if s.Kind == sim.KindNoda && !flags.Changed("engine") {
				engine = sim.EngineBlock // the only engine that runs the Noda model exactly
			}
			if engine != sim.EngineBlock && engine != sim.EngineFast {
				return usageErrorf("--engine must be block or fast, got %q", engine)
			}
			if paths < 1 {
				return usageErrorf("--paths must be ≥ 1, got %d", paths)
			}
			if flags.Changed("horizon-days") && s.Kind == sim.KindNoda {
				return usageErrorf("--horizon-days does not apply to %s; its horizon is noda.length blocks of noda.b_target_min minutes", s.Name)
			}
			if flags.Changed("horizon-days") && s.Kind == sim.KindExogenous {
				return usageErrorf("--horizon-days does not apply to the exogenous scenario; it runs --epochs epochs")
			}
			if flags.Changed("horizon-days") && (horizon < 1 || horizon > 36500) {
				return usageErrorf("--horizon-days must be between 1 and 36500, got %d", horizon)
			}
			if threads < 0 {
				return usageErrorf("--threads must be ≥ 0, got %d", threads)
			}
			var rc sim.RunControl
			if shard != "" {
				if out == "" {
					return usageErrorf("--shard needs --out FILE")
				}
				k, n, err := parseShard(shard, paths)
				if err != nil {
					return err
				}
				rc.Shard, rc.Shards = k, n
			} else if out != "" {
				rc.Shards = 1
			}
			if htmlPath != "" && out != "" {
				return usageErrorf("--html draws a whole run: give it to hashfall merge, not to a shard")
			}
			if htmlPath != "" && s.Kind != sim.KindEconomic {
				return usageErrorf("--html needs an economic scenario; %s has no daily bands", s.Name)
			}
			opts := sim.Options{Paths: paths, HorizonDays: horizon, Seed: seed, Threads: threads, Engine: engine}
			bar := newProgressBar(cmd, 1, "simulating paths")
			warn := longRunWarning(cmd.ErrOrStderr(), time.Now)
			rc.Progress = func(done, total int) {
				warn(done, total)
				if bar.GetMax() != total {
					bar.ChangeMax(total)
				}
				_ = bar.Set(done)
			}
			sum, err := sim.Run(cmd.Context(), s, opts, rc)
			_ = bar.Finish()
			if err != nil {
				return err
			}
			if out != "" {
				if err := sum.WriteFile(out); err != nil {
					return err
				}
				from, to := sim.ShardRange(paths, rc.Shard, rc.Shards)
				return emit(cmd, shardWritten{File: out, Shard: fmt.Sprintf("%d/%d", rc.Shard, max(rc.Shards, 1)), FirstPath: from, PathsInRun: to - from, TotalPaths: paths})
			}
			return emitSummary(cmd, sum, htmlPath)
		},
	}
	f := cmd.Flags()
	f.StringVar(&scenario, "scenario", "", "built-in scenario (default, bear, ai-pivot, exogenous, noda-btc, noda-bch) or a YAML file")
	intVar(f, &paths, "paths", 1000, 1, maxPaths, "number of Monte Carlo paths")
	intVar(f, &horizon, "horizon-days", 0, 1, maxHorizonDays, "days to simulate (default: the scenario's horizon)")
	f.Uint64Var(&seed, "seed", 1, "random seed; path i uses the stream PCG(seed, i)")
	intVar(f, &threads, "threads", 0, 0, maxThreads, "worker goroutines (0: all CPUs); does not change the result")
	f.StringVar(&engine, "engine", sim.EngineFast, "block (draw every block) or fast (Poisson counts and order statistics); Noda scenarios default to block")
	outputFileVar(f, &htmlPath, "html", "also write fan charts to this HTML file")
	f.StringVar(&shard, "shard", "", "run slice k/N (0-based k) of the paths; needs --out")
	outputFileVar(f, &out, "out", "write a mergeable shard file instead of printing")
	floatVar(f, &growth, "growth-pct-per-2w", 0, rangeGrowthPct, "exogenous scenario: hashrate growth, percent per two weeks")
	f.StringVar(&replay, "replay", "", "Noda scenarios: run one path on this CSV of prices and Exp(1) draws and print every block")
	intVar(f, &epochs, "epochs", 1000, 1, 10_000_000, "exogenous scenario: measured retarget epochs after the burn-in")
	return cmd
}

// longRunWarning returns a progress callback that, once a few seconds of
// work give a rate, prints one note to w when the rest of the run will take
// more than a minute, so that a large --paths is never silently slow.
func longRunWarning(w io.Writer, now func() time.Time) func(done, total int) {
	start, decided := now(), false
	return func(done, total int) {
		if decided || done < 1 {
			return
		}
		elapsed := now().Sub(start)
		if elapsed < 3*time.Second {
			return
		}
		decided = true
		left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		if left > time.Minute {
			fmt.Fprintf(w, "note: %d of %d paths in %s; about %s left at this rate (Ctrl-C stops; fewer --paths or a sweep split into tasks is faster)\n",
				done, total, elapsed.Round(time.Second), left.Round(time.Second))
		}
	}
}

// parseShard reads "k/N" with 0 ≤ k < N ≤ paths.
func parseShard(v string, paths int) (int, int, error) {
	ks, ns, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
		return 0, 0, usageErrorf("--shard must be k/N with 0 ≤ k < N, got %q", v)
	}
	if n > paths {
		return 0, 0, usageErrorf("--shard %s: %d shards for %d paths leaves shards empty", v, n, paths)
	}
	return k, n, nil
}

// emitSummary prints a run's report (every 30th day's bands in a table,
// every day in JSON and CSV) and writes the HTML fan charts if asked.
func emitSummary(cmd *cobra.Command, sum *sim.Summary, htmlPath string) error {
	f, err := formatOf(cmd)
	if err != nil {
		return err
	}
	step := 1
	if f == output.Table {
		step = 30
	}
	if htmlPath != "" {
		var b strings.Builder
		if err := sum.WriteHTML(&b); err != nil {
			return err
		}
		if err := output.WriteFileAtomic(htmlPath, []byte(b.String())); err != nil {
			return err
		}
	}
	return emit(cmd, sum.Report(step))
}

// replayNoda runs one path of a Noda scenario on the inputs in path and
// prints its blocks.
func replayNoda(cmd *cobra.Command, s *sim.Scenario, path string) error {
	if s.Kind != sim.KindNoda {
		return usageErrorf("--replay applies only to the noda scenarios; %s is %s", s.Name, s.Kind)
	}
	for _, name := range []string{"paths", "seed", "shard", "out", "html", "horizon-days", "engine"} {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--replay runs one path on the given draws; --%s does not apply", name)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	in, err := sim.ReadNodaInputs(f)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	blocks, _, err := sim.ReplayNoda(&s.Noda, in)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return emit(cmd, blocks)
}
