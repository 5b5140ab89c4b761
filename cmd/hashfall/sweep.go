package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/sweep"
	"github.com/hashfall/hashfall/units"
)

func init() { register(newSweepCmd) }

func newSweepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep plan|run|merge|local|frontier|sensitivity",
		Short: "Run a scenario over a map of parameters, split into scheduler tasks",
		Long: `sweep runs a base scenario over axes of parameters (grid or Latin
hypercube) and answers, per cell: P(security budget < threshold within the
horizon), median and p5 hashrate at the horizon, the share of hashrate
converted to AI, and when the hashprice first falls below the fleet's
breakeven. Tasks run independently (Slurm job arrays, Kubernetes Indexed
Jobs) and merge into exactly what one process would produce.
examples/sweep.yaml documents every key of a spec.`,
	}
	cmd.AddCommand(newSweepPlanCmd(), newSweepRunCmd(), newSweepMergeCmd(), newSweepLocalCmd(), newSweepFrontierCmd(), newSweepSensitivityCmd())
	return cmd
}

func loadSweepSpec(path string) (*sweep.Spec, error) {
	s, err := sweep.LoadSpec(path)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return s, nil
}

// sweepPlan is what "sweep plan" prints.
type sweepPlan struct {
	Spec           string `json:"spec_hash"`
	Cells          int    `json:"cells"`
	PathsPerCell   int    `json:"paths_per_cell"`
	Tasks          int    `json:"tasks"`
	ExpectedBlocks int64  `json:"expected_blocks"`
}

// checkSweepTasks bounds --tasks, as plan and local take it.
func checkSweepTasks(tasks int) error {
	if tasks < 1 || tasks > sweep.MaxTasks {
		return usageErrorf("--tasks must be between 1 and %d, got %d", sweep.MaxTasks, tasks)
	}
	return nil
}

func newSweepPlanCmd() *cobra.Command {
	var tasks int
	cmd := &cobra.Command{
		Use:   "plan SPEC --tasks N",
		Short: "Show how the cells and paths split into N tasks, balanced by simulated blocks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loadSweepSpec(args[0])
			if err != nil {
				return err
			}
			if err := checkSweepTasks(tasks); err != nil {
				return err
			}
			plans, err := s.Plan(tasks)
			if err != nil {
				return err
			}
			head := sweepPlan{Spec: s.Hash(), Cells: s.Cells(), PathsPerCell: s.Paths, Tasks: tasks}
			for _, p := range plans {
				head.ExpectedBlocks += p.ExpectedBlocks
			}
			if f, _ := formatOf(cmd); f == output.CSV {
				return emit(cmd, plans)
			}
			return emit(cmd, output.Document{Title: "hashfall sweep plan", Sections: []output.Section{{Name: "sweep", Data: head}, {Name: "tasks", Data: plans}}})
		},
	}
	cmd.Flags().IntVar(&tasks, "tasks", 1, "number of tasks")
	return cmd
}

// taskFromEnv reads the task index a scheduler gives an array element:
// Slurm's SLURM_ARRAY_TASK_ID or Kubernetes's JOB_COMPLETION_INDEX.
func taskFromEnv() (int, string, bool) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
		if v, ok := os.LookupEnv(k); ok {
			i, err := strconv.Atoi(v)
			if err != nil {
				return -1, k, true
			}
			return i, k, true
		}
	}
	return 0, "", false
}

// sweepTaskWritten is what "sweep run" prints.
type sweepTaskWritten struct {
	File   string `json:"file"`
	Task   int    `json:"task"`
	Tasks  int    `json:"tasks"`
	Cells  int    `json:"cells"`
	Paths  int    `json:"paths"`
	Blocks int64  `json:"simulated_blocks"`
}

func newSweepRunCmd() *cobra.Command {
	var task, out string
	var tasks, workers int
	cmd := &cobra.Command{
		Use:   "run SPEC [--task i/N] --out DIR",
		Short: "Run one task and write its result file atomically",
		Long: `run computes task i (0-based) of N and writes DIR/sweep-HASH-task-i-of-N.gob,
HASH identifying the spec and its base scenario. Without --task, i comes from
SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX and N from --tasks or
SLURM_ARRAY_TASK_COUNT. A rerun writes the same bytes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("--out DIR is required")
			}
			s, err := loadSweepSpec(args[0])
			if err != nil {
				return err
			}
			i, n, err := taskAndCount(cmd, task, tasks)
			if err != nil {
				return err
			}
			if workers < 0 {
				return usageErrorf("--workers must be ≥ 0, got %d", workers)
			}
			if workers == 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			r, err := s.RunTask(cmd.Context(), i, n, workers)
			if err != nil {
				return err
			}
			path := filepath.Join(out, sweep.FileName(s.Hash(), i, n))
			if err := r.WriteFile(path); err != nil {
				return err
			}
			w := sweepTaskWritten{File: path, Task: i, Tasks: n, Cells: len(r.Cells)}
			for _, c := range r.Cells {
				w.Paths += c.To - c.From
				w.Blocks += c.Blocks
			}
			return emit(cmd, w)
		},
	}
	cmd.Flags().StringVar(&task, "task", "", "task i/N to run (0-based i); default from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
	cmd.Flags().IntVar(&tasks, "tasks", 0, "N when the index comes from the environment (default SLURM_ARRAY_TASK_COUNT)")
	outputDirVar(cmd.Flags(), &out, "out", "directory for the result file")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines within the task (0: all CPUs); does not change the result")
	return cmd
}

func taskAndCount(cmd *cobra.Command, task string, tasks int) (int, int, error) {
	if task != "" {
		is, ns, ok := strings.Cut(task, "/")
		i, err1 := strconv.Atoi(is)
		n, err2 := strconv.Atoi(ns)
		if !ok || err1 != nil || err2 != nil || n < 1 || n > sweep.MaxTasks || i < 0 || i >= n {
			return 0, 0, usageErrorf("--task must be i/N with 0 ≤ i < N ≤ %d, got %q", sweep.MaxTasks, task)
		}
		return i, n, nil
	}
	i, env, ok := taskFromEnv()
	if !ok {
		return 0, 0, usageErrorf("--task i/N is required outside a Slurm array or Kubernetes Indexed Job")
	}
	n := tasks
	if !cmd.Flags().Changed("tasks") {
		c, err := strconv.Atoi(os.Getenv("SLURM_ARRAY_TASK_COUNT"))
		if err != nil {
			return 0, 0, usageErrorf("--tasks N is required with %s (SLURM_ARRAY_TASK_COUNT is not set)", env)
		}
		n = c
	}
	if n < 1 || n > sweep.MaxTasks || i < 0 || i >= n {
		return 0, 0, usageErrorf("%s=%s is not a task of 0..%d", env, os.Getenv(env), n-1)
	}
	return i, n, nil
}

// emitSweepResult prints the per-cell table: the whole document as a table
// or JSON, the cells alone as CSV (one table).
func emitSweepResult(cmd *cobra.Command, r *sweep.Result) error {
	spec, stats, err := r.Stats()
	if err != nil {
		return err
	}
	rows := sweep.Rows(spec, stats)
	if f, _ := formatOf(cmd); f == output.CSV {
		return emit(cmd, rows)
	}
	return emit(cmd, output.Document{
		Title:    "hashfall sweep: " + r.SpecName + " (" + r.SpecHash + ")",
		Notes:    sweep.Notes(spec),
		Sections: []output.Section{{Name: "cells", Data: rows}},
	})
}

func newSweepMergeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "merge DIR",
		Short: "Check every task is present once, write the merged result and print the cells",
		Long: `merge reads DIR/sweep-HASH-task-*-of-N.gob, checks that tasks 0..N-1 of one
spec are each present once (naming any missing), writes
DIR/sweep-HASH-merged.gob — the same bytes as "sweep run SPEC --task 0/1"
writes — and prints the per-cell results.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := sweep.MergeDir(args[0])
			if err != nil {
				return err
			}
			if err := r.WriteFile(filepath.Join(args[0], sweep.MergedFileName(r.SpecHash))); err != nil {
				return err
			}
			return emitSweepResult(cmd, r)
		},
	}
}

func newSweepLocalCmd() *cobra.Command {
	var workers, tasks int
	var out string
	cmd := &cobra.Command{
		Use:   "local SPEC --workers W [--tasks N] [--out DIR]",
		Short: "Run every task on this machine, W at a time, and print the merged cells",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loadSweepSpec(args[0])
			if err != nil {
				return err
			}
			if workers < 1 {
				return usageErrorf("--workers must be ≥ 1, got %d", workers)
			}
			if tasks == 0 {
				tasks = workers
			}
			if err := checkSweepTasks(tasks); err != nil {
				return err
			}
			r, err := runLocal(cmd, s, tasks, workers, out)
			if err != nil {
				return err
			}
			return emitSweepResult(cmd, r)
		},
	}
	cmd.Flags().IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "tasks run at once")
	cmd.Flags().IntVar(&tasks, "tasks", 0, "tasks to split into (default: --workers)")
	outputDirVar(cmd.Flags(), &out, "out", "also write the task files and the merged file to this directory")
	return cmd
}

func runLocal(cmd *cobra.Command, s *sweep.Spec, tasks, workers int, out string) (*sweep.Result, error) {
	bar := newProgressBar(cmd, int64(tasks), "sweep tasks")
	parts, err := s.RunLocal(cmd.Context(), tasks, workers, func() { _ = bar.Add(1) })
	_ = bar.Finish()
	if err != nil {
		return nil, err
	}
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, err
		}
		for i, p := range parts {
			if err := p.WriteFile(filepath.Join(out, sweep.FileName(s.Hash(), i, tasks))); err != nil {
				return nil, err
			}
		}
	}
	r, err := sweep.Merge(parts)
	if err != nil {
		return nil, err
	}
	if out != "" {
		if err := r.WriteFile(filepath.Join(out, sweep.MergedFileName(s.Hash()))); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// readSweepResult reads a merged result file, or merges a directory's task
// files in memory (writing nothing).
func readSweepResult(path string) (*sweep.Result, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return sweep.MergeDir(path)
	}
	r, err := sweep.ReadResultFile(path)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func newSweepFrontierCmd() *cobra.Command {
	var q sweep.FrontierQuery
	var fix []string
	var chart string
	cmd := &cobra.Command{
		Use:   "frontier DIR|MERGED.gob --x KEY --y KEY [--metric M] [--level L] [--fix KEY=V]... [--chart FILE.svg|.png]",
		Short: "Where a per-cell result crosses a level, along one axis as a function of another",
		Long: `frontier reads a grid sweep and, for each value of the --x axis, finds the
value of the --y axis at which --metric crosses --level (linear between grid
points, the first crossing from the low end). For example, the fees per
block that keep P(security budget < threshold) at 5% as a function of the
AI lease rate:

  hashfall sweep frontier out/ --x ai.revenue_usd_per_kwh --y start.fees_per_block_btc \
      --metric p_security_budget_below --level 0.05 --chart frontier.svg

Other axes are held at their first grid value unless --fix KEY=V.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q.Fixed = map[string]float64{}
			for _, kv := range fix {
				k, v, ok := strings.Cut(kv, "=")
				x, err := units.ParseSI(v)
				if !ok || err != nil {
					return usageErrorf("--fix must be KEY=VALUE, got %q", kv)
				}
				q.Fixed[k] = x
			}
			r, err := readSweepResult(args[0])
			if err != nil {
				return err
			}
			spec, stats, err := r.Stats()
			if err != nil {
				return err
			}
			f, err := sweep.FrontierOf(spec, stats, q)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if chart != "" {
				if err := f.WriteChart(chart, spec); err != nil {
					return err
				}
			}
			if format, _ := formatOf(cmd); format == output.CSV {
				return emit(cmd, f.Rows())
			}
			notes := append([]string{f.Title()}, sweep.Notes(spec)...)
			for k, v := range f.Fixed {
				notes = append(notes, fmt.Sprintf("held fixed: %s = %g", k, v))
			}
			return emit(cmd, output.Document{Title: "hashfall sweep frontier", Notes: notes, Sections: []output.Section{{Name: "frontier", Data: f.Rows()}}})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&q.X, "x", "", "axis key along which the frontier runs")
	fl.StringVar(&q.Y, "y", "", "axis key whose value at the level is reported")
	fl.StringVar(&q.Metric, "metric", "p_security_budget_below", "per-cell result: "+strings.Join(sweep.Metrics(), ", "))
	siFloatVar(fl, &q.Level, "level", 0.05, rangeLevel, "level of the metric, SI suffix allowed (500E)")
	fl.StringArrayVar(&fix, "fix", nil, "hold another axis at KEY=VALUE (a grid value)")
	outputFileVar(fl, &chart, "chart", "also draw a heat map with the frontier to FILE.svg or FILE.png")
	return cmd
}

func newSweepSensitivityCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sensitivity DIR|MERGED.gob",
		Short: "Which axes move each result most: standardised regression coefficients and first-order Sobol indices over the cells",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := readSweepResult(args[0])
			if err != nil {
				return err
			}
			spec, stats, err := r.Stats()
			if err != nil {
				return err
			}
			sens, err := sweep.Sensitivities(spec, stats)
			if err != nil {
				return err
			}
			if format, _ := formatOf(cmd); format == output.CSV {
				return emit(cmd, sens)
			}
			notes := append([]string{"src: standardised regression coefficient, β·sd(axis)/sd(metric), of a linear fit over the cells; r_squared near 1 means the linear fit explains the metric", "sobol_first_order (grid designs): Var(E[metric | axis]) / Var(metric) over the cells, the share of the metric's variance the axis explains alone"}, sweep.Notes(spec)...)
			return emit(cmd, output.Document{Title: "hashfall sweep sensitivity", Notes: notes, Sections: []output.Section{{Name: "sensitivity", Data: sens}}})
		},
	}
}
