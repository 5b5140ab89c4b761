package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/internal/yamlpos"
	"github.com/hashfall/hashfall/sim"
)

// Designs: every combination of the axes' values, or a Latin hypercube.
const (
	DesignGrid = "grid"
	DesignLHS  = "lhs"
)

// Limits that keep a spec's arithmetic exact and its files bounded.
const (
	maxAxes      = 10
	maxCells     = 1_000_000
	maxPaths     = 1_000_000
	maxCellPaths = 1_000_000_000 // cells × paths
	maxSteps     = 100_000
)

// Spec is a parsed sweep file.
type Spec struct {
	Name   string `yaml:"name"`
	Base   string `yaml:"base"`   // built-in scenario or a scenario file, relative to the spec
	Design string `yaml:"design"` // grid (default) or lhs
	// Samples is the number of cells of a Latin hypercube.
	Samples     int    `yaml:"samples"`
	Seed        uint64 `yaml:"seed"`
	Paths       int    `yaml:"paths"`        // per cell
	HorizonDays int    `yaml:"horizon_days"` // 0: the base scenario's
	Engine      string `yaml:"engine"`       // fast (default) or block
	// SecurityThresholdUSDPerDay is the level of the security budget whose
	// crossing p_security_budget_below counts.
	SecurityThresholdUSDPerDay float64 `yaml:"security_threshold_usd_per_day"`
	// BreakevenUSDPerPHDay is the fleet breakeven hashprice; 0 computes it
	// per cell with sim.FleetBreakevenUSDPerPHDay.
	BreakevenUSDPerPHDay float64 `yaml:"breakeven_usd_per_ph_day"`
	Axes                 []Axis  `yaml:"axes"`
	// StartDate is the calendar date of day 0, for the first-date columns;
	// default 2026-02-02, the snapshot the built-in scenarios start from.
	StartDate string `yaml:"start_date"`

	specDoc, baseDoc []byte // the files as read; baseDoc is nil for a built-in base
	baseDir          string // resolves the base scenario's own relative paths
	hash             string
	cells            [][]float64 // [cell][axis]
}

// Axis is one swept scenario key: a list of values or an evenly spaced
// range (grid: Steps points from From to To; lhs: uniform on [From, To]).
type Axis struct {
	Key    string    `yaml:"key"`  // dotted scenario key, e.g. start.fees_per_block_btc
	Unit   string    `yaml:"unit"` // shown on frontier charts
	Values []float64 `yaml:"values"`
	Range  *Range    `yaml:"range"`
}

// Range is an interval of an axis.
type Range struct {
	From  float64 `yaml:"from"`
	To    float64 `yaml:"to"`
	Steps int     `yaml:"steps"`
}

// LoadSpec reads a sweep file and the scenario file it names, if any, and
// checks that every axis's extreme values give a valid scenario.
func LoadSpec(path string) (*Spec, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep spec: %w", err)
	}
	var probe struct {
		Base string `yaml:"base"`
	}
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", path, oneLine(err))
	}
	_ = root.Decode(&probe)
	var baseDoc []byte
	baseDir := ""
	if probe.Base != "" && !slices.Contains(sim.BuiltinScenarios(), probe.Base) {
		bp := probe.Base
		if !filepath.IsAbs(bp) {
			bp = filepath.Join(filepath.Dir(path), bp)
		}
		baseDoc, err = os.ReadFile(bp)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: base: %q is neither a built-in (%s) nor a readable file", path, yamlpos.Line(&root, "base"), probe.Base, strings.Join(sim.BuiltinScenarios(), ", "))
		}
		baseDir = filepath.Dir(bp)
	}
	s, err := ParseSpec(doc, baseDoc, path, baseDir)
	if err != nil {
		return nil, err
	}
	if err := s.checkAxes(&root, path); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseSpec parses a sweep document. baseDoc is the base scenario file's
// content (nil for a built-in base); name labels errors; baseDir resolves
// the base scenario's relative paths. It does not build the cells'
// scenarios: LoadSpec and Scenario do.
func ParseSpec(doc, baseDoc []byte, name, baseDir string) (*Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	s := Spec{Design: DesignGrid, Seed: 1, Paths: 100, Engine: sim.EngineFast}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty sweep spec", name)
		}
		msg := unknownRE.ReplaceAllString(oneLine(err), "line $1: unknown key \"$2\"")
		return nil, fmt.Errorf("%s: %s", name, msg)
	}
	s.specDoc, s.baseDoc, s.baseDir = doc, baseDoc, baseDir
	if err := s.validate(); err != nil {
		var fe fieldError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s: line %d: %s: %s", name, yamlpos.Line(&root, strings.Split(fe.key, ".")...), fe.key, fe.msg)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	h := sha256.New()
	h.Write([]byte("hashfall sweep v2\x00")) // v2: grid values rounded to 12 digits
	h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(doc))))
	h.Write(doc)
	h.Write(baseDoc)
	s.hash = hex.EncodeToString(h.Sum(nil)[:8])
	s.cells = s.design()
	return &s, nil
}

var unknownRE = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

func oneLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:")
	return strings.Join(strings.Fields(msg), " ")
}

type fieldError struct{ key, msg string }

func (e fieldError) Error() string { return e.key + ": " + e.msg }

func bad(key, format string, args ...any) error {
	return fieldError{key: key, msg: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

var axisKeyRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$`)

func (s *Spec) validate() error {
	if s.Base == "" {
		return bad("base", "is required: a built-in scenario (%s) or a scenario file", strings.Join(sim.BuiltinScenarios(), ", "))
	}
	if s.Paths < 1 || s.Paths > maxPaths {
		return bad("paths", "must be between 1 and %d, got %d", maxPaths, s.Paths)
	}
	if s.HorizonDays < 0 || s.HorizonDays > 36500 {
		return bad("horizon_days", "must be between 1 and 36500 (or 0 for the base scenario's), got %d", s.HorizonDays)
	}
	if s.Engine != sim.EngineFast && s.Engine != sim.EngineBlock {
		return bad("engine", "must be fast or block, got %q", s.Engine)
	}
	if !finite(s.SecurityThresholdUSDPerDay) || s.SecurityThresholdUSDPerDay <= 0 || s.SecurityThresholdUSDPerDay > 1e15 {
		return bad("security_threshold_usd_per_day", "must be a positive USD/day amount up to 1e15, got %g", s.SecurityThresholdUSDPerDay)
	}
	if !finite(s.BreakevenUSDPerPHDay) || s.BreakevenUSDPerPHDay < 0 || s.BreakevenUSDPerPHDay > 1e9 {
		return bad("breakeven_usd_per_ph_day", "must be between 0 (computed from the fleet) and 1e9, got %g", s.BreakevenUSDPerPHDay)
	}
	if s.StartDate == "" {
		s.StartDate = economics.Snapshot2026Feb.AsOf.Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, s.StartDate); err != nil {
		return bad("start_date", "must be a date YYYY-MM-DD, got %q", s.StartDate)
	}
	if len(s.Axes) == 0 || len(s.Axes) > maxAxes {
		return bad("axes", "needs between 1 and %d axes, got %d", maxAxes, len(s.Axes))
	}
	seen := map[string]bool{}
	for i := range s.Axes {
		if err := s.Axes[i].validate(fmt.Sprintf("axes.%d", i), s.Design); err != nil {
			return err
		}
		if seen[s.Axes[i].Key] {
			return bad(fmt.Sprintf("axes.%d.key", i), "%q is swept twice", s.Axes[i].Key)
		}
		seen[s.Axes[i].Key] = true
	}
	var cells int
	switch s.Design {
	case DesignGrid:
		if s.Samples != 0 {
			return bad("samples", "applies to design lhs only")
		}
		cells = 1
		for i, a := range s.Axes {
			cells *= a.points()
			if cells > maxCells {
				return bad(fmt.Sprintf("axes.%d", i), "the grid passes %d cells", maxCells)
			}
		}
	case DesignLHS:
		if s.Samples < 1 || s.Samples > maxCells {
			return bad("samples", "must be between 1 and %d, got %d", maxCells, s.Samples)
		}
		cells = s.Samples
	default:
		return bad("design", "must be grid or lhs, got %q", s.Design)
	}
	if int64(cells)*int64(s.Paths) > maxCellPaths {
		return bad("paths", "%d cells × %d paths passes %d paths in all", cells, s.Paths, maxCellPaths)
	}
	return nil
}

func (a *Axis) validate(key, design string) error {
	if !axisKeyRE.MatchString(a.Key) {
		return bad(key+".key", "must be a dotted scenario key such as ai.factor, got %q", a.Key)
	}
	switch {
	case a.Key == "name" || a.Key == "base" || a.Key == "kind" || strings.HasPrefix(a.Key, "exogenous."):
		return bad(key+".key", "%q cannot be swept", a.Key)
	case (len(a.Values) > 0) == (a.Range != nil):
		return bad(key, "needs exactly one of values and range")
	case len(a.Values) > maxSteps:
		return bad(key+".values", "at most %d values, got %d", maxSteps, len(a.Values))
	}
	for j, v := range a.Values {
		if !finite(v) {
			return bad(fmt.Sprintf("%s.values.%d", key, j), "must be a finite number")
		}
	}
	if design == DesignLHS && a.Range == nil {
		return bad(key+".range", "a Latin hypercube samples ranges; give range: {from, to}")
	}
	if r := a.Range; r != nil {
		if !finite(r.From) || !finite(r.To) || r.From >= r.To {
			return bad(key+".range", "needs finite from < to, got from %g to %g", r.From, r.To)
		}
		if design == DesignGrid && (r.Steps < 2 || r.Steps > maxSteps) {
			return bad(key+".range.steps", "must be between 2 and %d, got %d", maxSteps, r.Steps)
		}
		if design == DesignLHS && r.Steps != 0 {
			return bad(key+".range.steps", "applies to design grid only")
		}
	}
	return nil
}

// points is the number of grid values of the axis.
func (a *Axis) points() int {
	if a.Range != nil {
		return a.Range.Steps
	}
	return len(a.Values)
}

// gridValue is the k-th grid value of the axis.
func (a *Axis) gridValue(k int) float64 {
	if a.Range == nil {
		return a.Values[k]
	}
	// from + k·(to − from)/(n−1), rounded to 12 significant digits so that
	// the values are the decimals a user types and reads (−0.05, not
	// −0.04999999999999999), with both ends exact.
	r := a.Range
	switch k {
	case 0:
		return r.From
	case r.Steps - 1:
		return r.To
	}
	x := r.From + (r.To-r.From)*float64(k)/float64(r.Steps-1)
	snapped, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return snapped
}

// design lays out the cells: a grid with the last axis varying fastest, or
// a Latin hypercube, x = from + (to − from)·(π_a(c) + U)/n with π_a an
// independent random permutation of the n strata for each axis a.
func (s *Spec) design() [][]float64 {
	if s.Design == DesignLHS {
		n := s.Samples
		rng := rand.New(rand.NewPCG(s.Seed, 0x6c6873)) // "lhs"
		cells := make([][]float64, n)
		for c := range cells {
			cells[c] = make([]float64, len(s.Axes))
		}
		for a, ax := range s.Axes {
			perm := rng.Perm(n)
			for c := range cells {
				u := (float64(perm[c]) + rng.Float64()) / float64(n)
				cells[c][a] = ax.Range.From + (ax.Range.To-ax.Range.From)*u
			}
		}
		return cells
	}
	total := 1
	for _, ax := range s.Axes {
		total *= ax.points()
	}
	cells := make([][]float64, total)
	for c := range cells {
		v := make([]float64, len(s.Axes))
		rest := c
		for a := len(s.Axes) - 1; a >= 0; a-- {
			k := rest % s.Axes[a].points()
			rest /= s.Axes[a].points()
			v[a] = s.Axes[a].gridValue(k)
		}
		cells[c] = v
	}
	return cells
}

// Hash identifies the spec and its base scenario file: 16 hex digits of
// SHA-256 over both documents as read.
func (s *Spec) Hash() string { return s.hash }

// Cells returns the number of cells.
func (s *Spec) Cells() int { return len(s.cells) }

// CellValues returns cell c's value on each axis, in axis order.
func (s *Spec) CellValues(c int) []float64 { return s.cells[c] }

// CellSeed is the simulation seed of cell c:
// SplitMix64(seed ⊕ SplitMix64(c + 1)).
func (s *Spec) CellSeed(c int) uint64 { return splitMix64(s.Seed ^ splitMix64(uint64(c)+1)) }

// splitMix64 is Steele, Lea & Flood's (2014) SplitMix64 finaliser: a
// bijection of uint64 that spreads nearby inputs over the whole range.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Scenario builds cell c's scenario: the base with horizon_days and every
// axis key set to the cell's values, validated like any scenario file.
func (s *Spec) Scenario(c int) (*sim.Scenario, error) {
	return s.scenarioWith(s.cells[c], fmt.Sprintf("%s cell %d", s.label(), c))
}

func (s *Spec) label() string {
	if s.Name != "" {
		return s.Name
	}
	return "sweep " + s.hash
}

func (s *Spec) scenarioWith(values []float64, name string) (*sim.Scenario, error) {
	var root yaml.Node
	if s.baseDoc != nil {
		if err := yaml.Unmarshal(s.baseDoc, &root); err != nil {
			return nil, fmt.Errorf("base %s: %s", s.Base, oneLine(err))
		}
	}
	if root.Kind == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
		setKey(root.Content[0], []string{"base"}, &yaml.Node{Kind: yaml.ScalarNode, Value: s.Base})
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("base %s: not a scenario mapping", s.Base)
	}
	if s.HorizonDays > 0 {
		setKey(top, []string{"horizon_days"}, intNode(s.HorizonDays))
	}
	for a, ax := range s.Axes {
		if values == nil {
			break // the base alone
		}
		if err := setKey(top, strings.Split(ax.Key, "."), floatNode(values[a])); err != nil {
			return nil, fmt.Errorf("axes.%d.key: %s: %v", a, ax.Key, err)
		}
	}
	doc, err := yaml.Marshal(&root)
	if err != nil {
		return nil, err
	}
	sc, err := sim.ParseScenario(doc, name, s.baseDir)
	if err != nil {
		return nil, err
	}
	if sc.Kind != sim.KindEconomic {
		return nil, fmt.Errorf("%s: the base scenario is %s; sweeps need an economic scenario", name, sc.Kind)
	}
	return sc, nil
}

func intNode(v int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
}

func floatNode(v float64) *yaml.Node {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		// Integral values also fit integer keys such as ai.for_days.
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}
}

// setKey sets path in a mapping node, creating mappings on the way. It
// refuses to descend into a list or a scalar.
func setKey(m *yaml.Node, path []string, v *yaml.Node) error {
	for i, step := range path {
		if m.Kind != yaml.MappingNode {
			return fmt.Errorf("%s is not a mapping of settings", strings.Join(path[:i], "."))
		}
		var next *yaml.Node
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == step {
				next = m.Content[j+1]
				if i == len(path)-1 {
					m.Content[j+1] = v
					return nil
				}
			}
		}
		if next == nil {
			next = v
			if i < len(path)-1 {
				next = &yaml.Node{Kind: yaml.MappingNode}
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: step}, next)
			if i == len(path)-1 {
				return nil
			}
		}
		m = next
	}
	return nil
}

var scenarioLineRE = regexp.MustCompile(`^.*?: line \d+: `)

// checkAxes builds the scenario at each axis's lowest and highest value,
// the others at their first cell's, so that an out-of-range axis fails
// before any task runs, naming the axis's line.
func (s *Spec) checkAxes(root *yaml.Node, name string) error {
	// A wrong base names its own file and line: parse the file as written,
	// not a re-encoding of it.
	var err error
	if s.baseDoc != nil {
		_, err = sim.ParseScenario(s.baseDoc, s.Base, s.baseDir)
	} else {
		_, err = s.scenarioWith(nil, "scenario "+s.Base)
	}
	if err != nil {
		return fmt.Errorf("%s: line %d: base: %v", name, yamlpos.Line(root, "base"), err)
	}
	for a, ax := range s.Axes {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range s.cells {
			lo, hi = min(lo, v[a]), max(hi, v[a])
		}
		for _, x := range []float64{lo, hi} {
			vals := slices.Clone(s.cells[0])
			vals[a] = x
			if _, err := s.scenarioWith(vals, "axis"); err != nil {
				msg := scenarioLineRE.ReplaceAllString(err.Error(), "")
				msg = strings.TrimPrefix(msg, fmt.Sprintf("axes.%d.key: ", a))
				return fmt.Errorf("%s: line %d: axes.%d (%s = %g): %s", name, yamlpos.Line(root, "axes", strconv.Itoa(a)), a, ax.Key, x, msg)
			}
		}
	}
	return nil
}
