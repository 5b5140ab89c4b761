package sim

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/internal/yamlpos"
)

// Scenario kinds.
const (
	KindEconomic  = "economic"  // price → miners → blocks → difficulty
	KindExogenous = "exogenous" // hashrate given as H0·(1+g)^(t/1209600 s)
)

// Scenario is everything a simulation needs besides the Options. Built-in
// scenarios live in sim/scenarios/*.yaml; a user scenario is a YAML file in
// the same format, which may start from a built-in with `base: NAME`.
type Scenario struct {
	Name        string         `yaml:"name"`
	Base        string         `yaml:"base"`
	Description string         `yaml:"description"`
	Kind        string         `yaml:"kind"`
	HorizonDays int            `yaml:"horizon_days"`
	Start       StartState     `yaml:"start"`
	Exogenous   ExogenousModel `yaml:"exogenous"`
	Price       PriceModel     `yaml:"price"`
	Fees        FeeModel       `yaml:"fees"`
	Fleet       FleetModel     `yaml:"fleet"`
	Entry       EntryModel     `yaml:"entry"`
	AI          AIModel        `yaml:"ai"`
	Sales       SalesModel     `yaml:"sales"`
	Security    SecurityModel  `yaml:"security"`
	Events      EventsModel    `yaml:"events"`
	Noda        NodaModel      `yaml:"noda"`

	// bootstrapLogReturns holds the daily log returns read from Price.CSV.
	bootstrapLogReturns []float64
}

// StartState is the network on day 0. Unset fields take their value from
// economics.Snapshot2026Feb.
type StartState struct {
	PriceUSD        float64 `yaml:"price_usd"`
	Difficulty      float64 `yaml:"difficulty"`
	Height          int64   `yaml:"height"`
	FeesPerBlockBTC float64 `yaml:"fees_per_block_btc"`
}

// ExogenousModel is the hashrate path of the exogenous scenario:
// H(t) = H0·(1+g)^(t/1209600 s), H0 the hashrate implied by the start
// difficulty; the first BurnInEpochs epochs are not measured.
type ExogenousModel struct {
	GrowthPctPer2W float64 `yaml:"growth_pct_per_2w"`
	Epochs         int     `yaml:"epochs"`
	BurnInEpochs   int     `yaml:"burn_in_epochs"`
}

// PriceModel is one of: gbm, merton, bootstrap, scripted. Rates are per
// year of 365 days; log jumps are in natural-log units.
type PriceModel struct {
	Model             string       `yaml:"model"`
	DriftPerYear      float64      `yaml:"drift_per_year"`
	VolatilityPerYear float64      `yaml:"volatility_per_year"`
	JumpsPerYear      float64      `yaml:"jumps_per_year"`
	JumpMeanLog       float64      `yaml:"jump_mean_log"`
	JumpStdLog        float64      `yaml:"jump_std_log"`
	CSV               string       `yaml:"csv"`
	Points            []PricePoint `yaml:"points"`
}

// PricePoint is one knot of a scripted price path; the price is linear in
// days between knots and flat after the last.
type PricePoint struct {
	Day      int     `yaml:"day"`
	PriceUSD float64 `yaml:"price_usd"`
}

// FeeModel is one of: constant, lognormal, price_scaled.
type FeeModel struct {
	Model           string  `yaml:"model"`
	SigmaLog        float64 `yaml:"sigma_log"`
	PriceElasticity float64 `yaml:"price_elasticity"`
}

// FleetModel is the installed fleet on day 0 and the rules its cohorts
// follow. A cohort is one catalog model × one power-cost bin.
type FleetModel struct {
	Label              string       `yaml:"label"`
	HashrateHs         float64      `yaml:"hashrate_hs"`
	Mix                []FleetShare `yaml:"mix"`
	PowerCost          []PowerBin   `yaml:"power_cost"`
	Sites              []SiteSpec   `yaml:"sites"`
	PUE                float64      `yaml:"pue"`
	PoolFeePct         float64      `yaml:"pool_fee_pct"`
	StopLossFrac       float64      `yaml:"stop_loss_frac"`
	RestartMarginFrac  float64      `yaml:"restart_margin_frac"`
	RestartDelayDays   int          `yaml:"restart_delay_days"`
	MaxAgeDays         int          `yaml:"max_age_days"`
	RetireAfterOffDays int          `yaml:"retire_after_off_days"`
	RetireAboveJPerTH  float64      `yaml:"retire_above_j_per_th"`
	AIEligibleShare    float64      `yaml:"ai_eligible_share"`
	// Stranded is the must-run floor: hashrate on stranded, flared or
	// subsidised power.
	Stranded StrandedPower `yaml:"stranded"`
	// ContractedShare of every generic cohort's hashrate runs whatever its
	// margin for the first ContractedDays (take-or-pay power and hosting
	// contracts make the power a sunk cost).
	ContractedShare float64 `yaml:"contracted_share"`
	ContractedDays  int     `yaml:"contracted_days"`
	// RunThroughRetargetDays: when the next retarget is projected within
	// this many days, a cohort that would stop judges its revenue at the
	// difficulty that retarget is projected to set instead; 0 for never.
	RunThroughRetargetDays int `yaml:"run_through_retarget_days"`
}

// StrandedPower is hashrate on power nobody else buys (flared gas,
// curtailed hydro, subsidised tariffs): Share of the day-0 running
// hashrate, of one catalog model at USDPerKWh. It follows the running rule
// at that price but is never retired for days switched off: the site has
// no other use for its power, so it waits for the next retarget.
type StrandedPower struct {
	Share     float64 `yaml:"share"`
	Model     string  `yaml:"model"`
	USDPerKWh float64 `yaml:"usd_per_kwh"`
}

// FleetShare is a catalog model's share of the generic fleet's hashrate and
// the age of those machines on day 0.
type FleetShare struct {
	Model   string  `yaml:"model"`
	Share   float64 `yaml:"share"`
	AgeDays int     `yaml:"age_days"`
}

// PowerBin is a power price and the share of every model's hashrate that
// pays it.
type PowerBin struct {
	USDPerKWh float64 `yaml:"usd_per_kwh"`
	Share     float64 `yaml:"share"`
}

// SiteSpec is a named site: MW of a catalog model at one power price. Its
// hashrate is part of the fleet total, not added to it.
type SiteSpec struct {
	Name       string  `yaml:"name"`
	MW         float64 `yaml:"mw"`
	Model      string  `yaml:"model"`
	USDPerKWh  float64 `yaml:"usd_per_kwh"`
	AIEligible bool    `yaml:"ai_eligible"`
	AgeDays    int     `yaml:"age_days"`
}

// EntryModel is investment in new machines (Prat & Walter's reflecting
// barrier): when the hashprice stays above the barrier for TriggerDays,
// capacity is ordered to bring it back to the barrier, at most
// CapacityHsPerDay a day, arriving LeadTimeDays later.
type EntryModel struct {
	Enabled          bool    `yaml:"enabled"`
	Model            string  `yaml:"model"`
	HardwareUSDPerTH float64 `yaml:"hardware_usd_per_th"` // 0: the catalog's list price
	PowerUSDPerKWh   float64 `yaml:"power_usd_per_kwh"`
	InfraUSDPerW     float64 `yaml:"infra_usd_per_w"`
	PaybackDays      float64 `yaml:"payback_days"`
	TriggerDays      int     `yaml:"trigger_days"`
	LeadTimeDays     int     `yaml:"lead_time_days"`
	CapacityHsPerDay float64 `yaml:"capacity_hs_per_day"`
}

// AIModel is the permanent conversion of AI-eligible sites to AI/HPC.
type AIModel struct {
	RevenueUSDPerKWh float64 `yaml:"revenue_usd_per_kwh"`
	Factor           float64 `yaml:"factor"`
	ForDays          int     `yaml:"for_days"`
	DelayDays        int     `yaml:"delay_days"`
	CapexUSDPerMW    float64 `yaml:"capex_usd_per_mw"`
}

// SalesModel is what miners sell, BTC/day. FeedbackPctPer1000BTC ≠ 0 makes
// sales move the price: each 1,000 BTC sold in a day lowers the next day's
// log price by that many percent.
type SalesModel struct {
	ProductionShare          float64 `yaml:"production_share"`
	ReservesBTC              float64 `yaml:"reserves_btc"`
	ReserveShareWhenNegative float64 `yaml:"reserve_share_when_negative"`
	FeedbackPctPer1000BTC    float64 `yaml:"feedback_pct_per_1000_btc"`
}

// SecurityModel prices an attack: building 51% with new machines at
// HardwareUSDPerTH (or AttackModel's list price), or renting it at the
// hashprice plus a premium.
type SecurityModel struct {
	AttackModel      string  `yaml:"attack_model"`
	HardwareUSDPerTH float64 `yaml:"hardware_usd_per_th"`
	RentPremiumPct   float64 `yaml:"rent_premium_pct"`
	// AttackerBudgetUSD (default 1e9, ASSUMED) buys new machines at
	// HardwareUSDPerTH; DoubleSpendRisk (default 0.001) is the merchant's
	// accepted success probability. Together they give the daily
	// confirmations_needed series.
	AttackerBudgetUSD float64 `yaml:"attacker_budget_usd"`
	DoubleSpendRisk   float64 `yaml:"double_spend_risk"`
}

// Defaults of the confirmations_needed series.
const (
	defaultAttackerBudgetUSD = 1e9
	defaultDoubleSpendRisk   = 0.001
)

// BudgetAttacker is the attacker budget, USD, and the merchant's accepted
// double-spend risk that the confirmations_needed series is computed at:
// AttackerBudgetUSD and DoubleSpendRisk, or their defaults where unset.
// Both are ASSUMED inputs, not measurements.
func (m *SecurityModel) BudgetAttacker() (budgetUSD, risk float64) {
	budgetUSD, risk = m.AttackerBudgetUSD, m.DoubleSpendRisk
	if budgetUSD == 0 {
		budgetUSD = defaultAttackerBudgetUSD
	}
	if risk == 0 {
		risk = defaultDoubleSpendRisk
	}
	return budgetUSD, risk
}

// EventsModel sets the thresholds of the event probabilities.
type EventsModel struct {
	HashrateBelowHs []float64 `yaml:"hashrate_below_hs"`
	// RecoveryUSDPerPHDay is the hashprice that counts as recovered; 0
	// means the day-0 hashprice.
	RecoveryUSDPerPHDay float64 `yaml:"recovery_usd_per_ph_day"`
	// DipPct is how far below the recovery level the hashprice must fall
	// for a path to count as having dipped, %.
	DipPct float64 `yaml:"dip_pct"`
}

//go:embed scenarios/*.yaml
var builtinFS embed.FS

// BuiltinScenarios lists the names LoadScenario accepts besides a file.
func BuiltinScenarios() []string {
	return []string{"default", "bear", "ai-pivot", "exogenous", "noda-btc", "noda-bch"}
}

// LoadScenario returns a built-in scenario by name (see BuiltinScenarios)
// or reads a YAML file.
func LoadScenario(nameOrPath string) (*Scenario, error) {
	for _, n := range BuiltinScenarios() {
		if nameOrPath == n {
			b, err := builtinFS.ReadFile("scenarios/" + n + ".yaml")
			if err != nil {
				return nil, err
			}
			return ParseScenario(b, "builtin:"+n, "")
		}
	}
	b, err := os.ReadFile(nameOrPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("scenario %q is neither a built-in (%s) nor a readable file", nameOrPath, strings.Join(BuiltinScenarios(), ", "))
		}
		return nil, fmt.Errorf("scenario %s: %w", nameOrPath, err)
	}
	return ParseScenario(b, nameOrPath, filepath.Dir(nameOrPath))
}

// defaultScenario is what a scenario without `base` starts from.
func defaultScenario() Scenario {
	snap := economics.Snapshot2026Feb
	return Scenario{
		Kind:        KindEconomic,
		HorizonDays: 730,
		Start: StartState{
			PriceUSD:        snap.Network.PriceUSD,
			Difficulty:      snap.Network.Difficulty,
			Height:          snap.Height,
			FeesPerBlockBTC: float64(snap.Network.FeesPerBlockSat) / economics.SatPerBTC,
		},
		Exogenous: ExogenousModel{Epochs: 1000, BurnInEpochs: 100},
		Price:     PriceModel{Model: "gbm"},
		Fees:      FeeModel{Model: "constant"},
		Fleet:     FleetModel{PUE: 1},
		Events:    EventsModel{DipPct: 10},
	}
}

var lineRE = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// ParseScenario parses a scenario document. name labels errors; dir
// resolves relative file paths (the bootstrap CSV). Errors are one line
// naming the key and its line.
func ParseScenario(data []byte, name, dir string) (*Scenario, error) {
	s, root, err := parseScenario(data, name)
	if err != nil {
		return nil, err
	}
	if s.Price.Model == "bootstrap" {
		path := s.Price.CSV
		if dir != "" && !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		r, err := readPriceLogReturns(path)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: price.csv: %v", name, yamlpos.Line(root, "price", "csv"), err)
		}
		s.bootstrapLogReturns = r
	}
	return s, nil
}

// parseScenario decodes and validates a scenario without touching the file
// system (a base is always a built-in), so that it can be fuzzed.
func parseScenario(data []byte, name string) (*Scenario, *yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	s := defaultScenario()
	if base := baseOf(&root); base != "" {
		if !isBuiltin(base) || base == "exogenous" || base == strings.TrimPrefix(name, "builtin:") {
			return nil, nil, fmt.Errorf("%s: line %d: base: %q is not a built-in economic or Noda scenario (want default, bear, ai-pivot, noda-btc or noda-bch)", name, yamlpos.Line(&root, "base"), base)
		}
		b, err := LoadScenario(base)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: base: %v", name, yamlpos.Line(&root, "base"), err)
		}
		s = *b
		s.Description = ""
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		msg := oneLine(err)
		msg = lineRE.ReplaceAllString(msg, "line $1: unknown key \"$2\"")
		return nil, nil, fmt.Errorf("%s: %s", name, msg)
	}
	if err := s.validate(); err != nil {
		var fe fieldError
		if errors.As(err, &fe) {
			return nil, nil, fmt.Errorf("%s: line %d: %s: %s", name, yamlpos.Line(&root, strings.Split(fe.key, ".")...), fe.key, fe.msg)
		}
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	return &s, &root, nil
}

func isBuiltin(n string) bool {
	for _, b := range BuiltinScenarios() {
		if b == n {
			return true
		}
	}
	return false
}

func oneLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:")
	return strings.Join(strings.Fields(msg), " ")
}

func baseOf(root *yaml.Node) string {
	n := child(root, "base")
	if n == nil {
		return ""
	}
	return n.Value
}

// child returns the node under key in a mapping (root may be a document).
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	return nil
}

type fieldError struct{ key, msg string }

func (e fieldError) Error() string { return e.key + ": " + e.msg }

func bad(key, format string, args ...any) error {
	return fieldError{key: key, msg: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkRange reports x outside [lo, hi] (or not finite) for key.
func checkRange(key string, x, lo, hi float64) error {
	if !finite(x) || x < lo || x > hi {
		return bad(key, "must be between %g and %g, got %g", lo, hi, x)
	}
	return nil
}

const shareTolerance = 1e-6

func (s *Scenario) validate() error {
	if s.Kind != KindEconomic && s.Kind != KindExogenous && s.Kind != KindNoda {
		return bad("kind", "unknown kind %q (want economic, exogenous or noda)", s.Kind)
	}
	if s.Kind == KindNoda {
		return s.Noda.validate()
	}
	if s.HorizonDays < 1 || s.HorizonDays > 36500 {
		return bad("horizon_days", "must be between 1 and 36500, got %d", s.HorizonDays)
	}
	checks := []error{
		checkRange("start.price_usd", s.Start.PriceUSD, 1e-6, 1e12),
		checkRange("start.difficulty", s.Start.Difficulty, 1, 1e30),
		checkRange("start.height", float64(s.Start.Height), 0, 1e8),
		checkRange("start.fees_per_block_btc", s.Start.FeesPerBlockBTC, 0, 21e6),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if s.Kind == KindExogenous {
		return s.Exogenous.validate()
	}
	for _, v := range []interface{ validate() error }{&s.Price, &s.Fees, &s.Fleet, &s.Entry, &s.AI, &s.Sales, &s.Security, &s.Events} {
		if err := v.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (e *ExogenousModel) validate() error {
	if err := checkRange("exogenous.growth_pct_per_2w", e.GrowthPctPer2W, -50, 300); err != nil {
		return err
	}
	if e.Epochs < 1 || e.Epochs > 10_000_000 {
		return bad("exogenous.epochs", "must be between 1 and 10000000, got %d", e.Epochs)
	}
	if e.BurnInEpochs < 0 || e.BurnInEpochs > 100_000 {
		return bad("exogenous.burn_in_epochs", "must be between 0 and 100000, got %d", e.BurnInEpochs)
	}
	return nil
}

func (p *PriceModel) validate() error {
	if err := checkRange("price.drift_per_year", p.DriftPerYear, -10, 10); err != nil {
		return err
	}
	if err := checkRange("price.volatility_per_year", p.VolatilityPerYear, 0, 10); err != nil {
		return err
	}
	switch p.Model {
	case "gbm":
	case "merton":
		if err := checkRange("price.jumps_per_year", p.JumpsPerYear, 0, 365); err != nil {
			return err
		}
		if err := checkRange("price.jump_mean_log", p.JumpMeanLog, -5, 5); err != nil {
			return err
		}
		if err := checkRange("price.jump_std_log", p.JumpStdLog, 0, 5); err != nil {
			return err
		}
	case "bootstrap":
		if p.CSV == "" {
			return bad("price.csv", "the bootstrap model needs a daily price CSV (date, close)")
		}
	case "scripted":
		if len(p.Points) == 0 {
			return bad("price.points", "the scripted model needs at least one point")
		}
		for i, pt := range p.Points {
			if pt.Day < 0 || (i > 0 && pt.Day <= p.Points[i-1].Day) {
				return bad(fmt.Sprintf("price.points.%d.day", i), "days must start at ≥ 0 and increase, got %d", pt.Day)
			}
			if err := checkRange(fmt.Sprintf("price.points.%d.price_usd", i), pt.PriceUSD, 1e-6, 1e12); err != nil {
				return err
			}
		}
	default:
		return bad("price.model", "unknown model %q (want gbm, merton, bootstrap or scripted)", p.Model)
	}
	return nil
}

func (f *FeeModel) validate() error {
	switch f.Model {
	case "constant":
	case "lognormal":
		return checkRange("fees.sigma_log", f.SigmaLog, 0, 5)
	case "price_scaled":
		return checkRange("fees.price_elasticity", f.PriceElasticity, -5, 5)
	default:
		return bad("fees.model", "unknown model %q (want constant, lognormal or price_scaled)", f.Model)
	}
	return nil
}

func (f *FleetModel) validate() error {
	if len(f.Mix) == 0 {
		return bad("fleet.mix", "needs at least one model")
	}
	sum := 0.0
	for i, m := range f.Mix {
		if _, err := catalogModel(m.Model); err != nil {
			return bad(fmt.Sprintf("fleet.mix.%d.model", i), "%v", err)
		}
		if err := checkRange(fmt.Sprintf("fleet.mix.%d.share", i), m.Share, 0, 1); err != nil {
			return err
		}
		if m.AgeDays < 0 {
			return bad(fmt.Sprintf("fleet.mix.%d.age_days", i), "must be ≥ 0, got %d", m.AgeDays)
		}
		sum += m.Share
	}
	if math.Abs(sum-1) > shareTolerance {
		return bad("fleet.mix", "shares must sum to 1, got %g", sum)
	}
	if len(f.PowerCost) == 0 {
		return bad("fleet.power_cost", "needs at least one bin")
	}
	sum = 0
	for i, b := range f.PowerCost {
		if err := checkRange(fmt.Sprintf("fleet.power_cost.%d.usd_per_kwh", i), b.USDPerKWh, 0, 10); err != nil {
			return err
		}
		if err := checkRange(fmt.Sprintf("fleet.power_cost.%d.share", i), b.Share, 0, 1); err != nil {
			return err
		}
		sum += b.Share
	}
	if math.Abs(sum-1) > shareTolerance {
		return bad("fleet.power_cost", "shares must sum to 1, got %g", sum)
	}
	for i, site := range f.Sites {
		k := fmt.Sprintf("fleet.sites.%d", i)
		if _, err := catalogModel(site.Model); err != nil {
			return bad(k+".model", "%v", err)
		}
		if err := checkRange(k+".mw", site.MW, 0, 1e5); err != nil {
			return err
		}
		if err := checkRange(k+".usd_per_kwh", site.USDPerKWh, 0, 10); err != nil {
			return err
		}
	}
	checks := []error{
		checkRange("fleet.hashrate_hs", f.HashrateHs, 0, 1e30),
		checkRange("fleet.pue", f.PUE, 1, 5),
		checkRange("fleet.pool_fee_pct", f.PoolFeePct, 0, 99),
		checkRange("fleet.stop_loss_frac", f.StopLossFrac, 0, 1),
		checkRange("fleet.restart_margin_frac", f.RestartMarginFrac, 0, 10),
		checkRange("fleet.restart_delay_days", float64(f.RestartDelayDays), 0, 3650),
		checkRange("fleet.max_age_days", float64(f.MaxAgeDays), 0, 36500),
		checkRange("fleet.retire_after_off_days", float64(f.RetireAfterOffDays), 0, 36500),
		checkRange("fleet.retire_above_j_per_th", f.RetireAboveJPerTH, 0, 1000),
		checkRange("fleet.ai_eligible_share", f.AIEligibleShare, 0, 1),
		checkRange("fleet.stranded.share", f.Stranded.Share, 0, 0.5),
		checkRange("fleet.stranded.usd_per_kwh", f.Stranded.USDPerKWh, 0, 10),
		checkRange("fleet.contracted_share", f.ContractedShare, 0, 1),
		checkRange("fleet.contracted_days", float64(f.ContractedDays), 0, 36500),
		checkRange("fleet.run_through_retarget_days", float64(f.RunThroughRetargetDays), 0, 365),
	}
	if f.Stranded.Share > 0 {
		if _, err := catalogModel(f.Stranded.Model); err != nil {
			return bad("fleet.stranded.model", "%v", err)
		}
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *EntryModel) validate() error {
	if !e.Enabled {
		return nil
	}
	m, err := catalogModel(e.Model)
	if err != nil {
		return bad("entry.model", "%v", err)
	}
	if _, err := hardwareUSDPerTH(e.HardwareUSDPerTH, m); err != nil {
		return bad("entry.hardware_usd_per_th", "%v", err)
	}
	checks := []error{
		checkRange("entry.hardware_usd_per_th", e.HardwareUSDPerTH, 0, 1e6),
		checkRange("entry.power_usd_per_kwh", e.PowerUSDPerKWh, 0, 10),
		checkRange("entry.infra_usd_per_w", e.InfraUSDPerW, 0, 100),
		checkRange("entry.payback_days", e.PaybackDays, 1, 36500),
		checkRange("entry.trigger_days", float64(e.TriggerDays), 1, 3650),
		checkRange("entry.lead_time_days", float64(e.LeadTimeDays), 0, 3650),
		checkRange("entry.capacity_hs_per_day", e.CapacityHsPerDay, 0, 1e30),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *AIModel) validate() error {
	checks := []error{
		checkRange("ai.revenue_usd_per_kwh", a.RevenueUSDPerKWh, 0, 100),
		checkRange("ai.factor", a.Factor, 0, 1000),
		checkRange("ai.for_days", float64(a.ForDays), 0, 3650),
		checkRange("ai.delay_days", float64(a.DelayDays), 0, 3650),
		checkRange("ai.capex_usd_per_mw", a.CapexUSDPerMW, 0, 1e10),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if a.RevenueUSDPerKWh > 0 && a.Factor < 1 {
		return bad("ai.factor", "must be ≥ 1 when AI revenue is set, got %g", a.Factor)
	}
	return nil
}

func (s *SalesModel) validate() error {
	checks := []error{
		checkRange("sales.production_share", s.ProductionShare, 0, 1),
		checkRange("sales.reserves_btc", s.ReservesBTC, 0, 21e6),
		checkRange("sales.reserve_share_when_negative", s.ReserveShareWhenNegative, 0, 1),
		checkRange("sales.feedback_pct_per_1000_btc", s.FeedbackPctPer1000BTC, 0, 100),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *SecurityModel) validate() error {
	attack := hardware.Default().ByEfficiency()[0]
	if s.AttackModel != "" {
		m, err := catalogModel(s.AttackModel)
		if err != nil {
			return bad("security.attack_model", "%v", err)
		}
		attack = m
	}
	if _, err := hardwareUSDPerTH(s.HardwareUSDPerTH, attack); err != nil {
		return bad("security.hardware_usd_per_th", "%v", err)
	}
	if err := checkRange("security.hardware_usd_per_th", s.HardwareUSDPerTH, 0, 1e6); err != nil {
		return err
	}
	if err := checkRange("security.attacker_budget_usd", s.AttackerBudgetUSD, 0, 1e13); err != nil {
		return err
	}
	if err := checkRange("security.double_spend_risk", s.DoubleSpendRisk, 0, 0.5); err != nil {
		return err
	}
	return checkRange("security.rent_premium_pct", s.RentPremiumPct, 0, 1000)
}

func (e *EventsModel) validate() error {
	for i, h := range e.HashrateBelowHs {
		if err := checkRange(fmt.Sprintf("events.hashrate_below_hs.%d", i), h, 0, 1e30); err != nil {
			return err
		}
	}
	if err := checkRange("events.dip_pct", e.DipPct, 0, 99); err != nil {
		return err
	}
	return checkRange("events.recovery_usd_per_ph_day", e.RecoveryUSDPerPHDay, 0, 1e12)
}
