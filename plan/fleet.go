package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/internal/yamlpos"
	"github.com/hashfall/hashfall/power"
)

// Fleet is an operator's sites, machines and treasury, as read from a
// fleet YAML file (see examples/fleet.yaml for every key).
type Fleet struct {
	Sites    []Site         `yaml:"sites"`
	Machines []MachineGroup `yaml:"machines"`
	Treasury Treasury       `yaml:"treasury"`
}

// Site is one facility.
type Site struct {
	Name       string  `yaml:"name"`
	CapacityMW float64 `yaml:"capacity_mw"` // grid interconnect, facility MW
	PUE        float64 `yaml:"pue"`         // 0 means 1
	PoolFeePct float64 `yaml:"pool_fee_pct"`
	Tariff     Tariff  `yaml:"tariff"`
	// HostingUSDPerKWh is paid per kWh drawn on top of energy (a hosting
	// or management fee); it moves the shutdown price like energy does.
	HostingUSDPerKWh float64 `yaml:"hosting_usd_per_kwh"`
	// CurtailmentCreditUSDPerMWh and DemandResponseUSDPerMWh are paid for
	// every MWh not drawn (power sold back, ancillary services, DR
	// programs). Running forgoes them, so they raise the price of running.
	CurtailmentCreditUSDPerMWh float64   `yaml:"curtailment_credit_usd_per_mwh"`
	DemandResponseUSDPerMWh    float64   `yaml:"demand_response_usd_per_mwh"`
	AI                         *AIOption `yaml:"ai"`
}

// Tariff is exactly one of a flat price, time-of-use blocks or an hourly
// CSV price file.
type Tariff struct {
	FlatUSDPerKWh *float64   `yaml:"flat_usd_per_kwh"`
	TimeOfUse     []TOUBlock `yaml:"time_of_use"`
	HourlyCSV     string     `yaml:"hourly_csv"` // relative to the fleet file

	hourly *HourlyPrices
}

// TOUBlock prices the hours [FromHour, ToHour) of every day (UTC).
type TOUBlock struct {
	FromHour  int     `yaml:"from_hour"`
	ToHour    int     `yaml:"to_hour"`
	USDPerKWh float64 `yaml:"usd_per_kwh"`
}

// AIOption is what converting a site to AI/HPC hosting would cost and pay.
type AIOption struct {
	CapexUSDPerMW      float64 `yaml:"capex_usd_per_mw"`
	LeadTimeMonths     float64 `yaml:"lead_time_months"`
	LeaseUSDPerKWMonth float64 `yaml:"lease_usd_per_kw_month"` // per kW of critical IT load
	LeaseUSDPerKWh     float64 `yaml:"lease_usd_per_kwh"`      // alternative: per kWh delivered
	LeaseTermYears     float64 `yaml:"lease_term_years"`
	UptimeSLA          float64 `yaml:"uptime_sla"`                   // e.g. 0.99999; revenue is earned on this share of hours
	TenantDefaultPerYr float64 `yaml:"tenant_default_prob_per_year"` // tenant credit risk, annual hazard
	ITLoadFraction     float64 `yaml:"it_load_fraction"`             // critical IT MW / site MW; 0 means 1/PUE
	OpexUSDPerMWh      float64 `yaml:"opex_usd_per_mwh"`             // operator's cost per MWh not passed through
}

// MachineGroup is count units of one catalog model at one site.
type MachineGroup struct {
	Model     string  `yaml:"model"`
	Count     int     `yaml:"count"`
	Site      string  `yaml:"site"`
	Purchased string  `yaml:"purchased"` // YYYY-MM-DD
	PriceUSD  float64 `yaml:"price_usd"` // per unit
	// OperatingPoints are the power targets the firmware offers (eco,
	// normal, turbo); empty means the catalog's nameplate point only.
	OperatingPoints []power.OperatingPoint `yaml:"operating_points"`

	model hardware.Model
	site  int
}

// Treasury is the company's balance sheet items that matter for a run-down.
type Treasury struct {
	BTC                    float64 `yaml:"btc"`
	CashUSD                float64 `yaml:"cash_usd"`
	DebtServiceUSDPerMonth float64 `yaml:"debt_service_usd_per_month"`
}

// HardwareModel returns the catalog model a group resolved to.
func (g MachineGroup) HardwareModel() hardware.Model { return g.model }

// SiteIndex returns the index in Fleet.Sites of the group's site.
func (g MachineGroup) SiteIndex() int { return g.site }

// PowerUSDPerKWhAt returns the tariff's energy price in the hour holding
// at: the hourly file's price (its mean outside the file), the block
// covering the UTC hour, or the flat price.
func (t Tariff) PowerUSDPerKWhAt(at time.Time) float64 {
	switch {
	case t.FlatUSDPerKWh != nil:
		return *t.FlatUSDPerKWh
	case len(t.TimeOfUse) > 0:
		h := at.UTC().Hour()
		for _, b := range t.TimeOfUse {
			if h >= b.FromHour && h < b.ToHour {
				return b.USDPerKWh
			}
		}
	case t.hourly != nil:
		i := int(at.Sub(t.hourly.Start) / time.Hour)
		if i >= 0 && i < len(t.hourly.USDPerMWh) {
			return t.hourly.USDPerMWh[i] / 1000
		}
		return t.hourly.MeanUSDPerMWh() / 1000
	}
	return 0
}

// MeanUSDPerKWh returns the time-average energy price: the flat price, the
// 24-hour average of the blocks, or the mean of the hourly file. A
// flat-out load pays exactly this on average.
func (t Tariff) MeanUSDPerKWh() float64 {
	switch {
	case t.FlatUSDPerKWh != nil:
		return *t.FlatUSDPerKWh
	case len(t.TimeOfUse) > 0:
		var s float64
		for _, b := range t.TimeOfUse {
			s += float64(b.ToHour-b.FromHour) * b.USDPerKWh
		}
		return s / 24
	case t.hourly != nil:
		return t.hourly.MeanUSDPerMWh() / 1000
	}
	return 0
}

// Hourly returns the site's own hourly price file, if its tariff is one.
func (t Tariff) Hourly() *HourlyPrices { return t.hourly }

// HourlyOn expands any tariff onto the hours of grid: the file's own hours
// for an hourly tariff that covers them, the blocks or the flat price
// otherwise. Prices are USD/MWh.
func (t Tariff) HourlyOn(grid HourlyPrices) []float64 {
	out := make([]float64, len(grid.USDPerMWh))
	for i := range out {
		out[i] = t.PowerUSDPerKWhAt(grid.At(i)) * 1000
	}
	return out
}

// PUEOrOne returns the site's PUE, 1 when unset.
func (s Site) PUEOrOne() float64 {
	if s.PUE <= 0 {
		return 1
	}
	return s.PUE
}

// CreditsUSDPerMWh returns what the site is paid per MWh it does not draw.
func (s Site) CreditsUSDPerMWh() float64 {
	return s.CurtailmentCreditUSDPerMWh + s.DemandResponseUSDPerMWh
}

// LoadFleetFile reads and validates a fleet YAML file; hourly price files
// are resolved relative to it.
func LoadFleetFile(path string, cat *hardware.Catalog) (*Fleet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	f, err := ParseFleet(b, cat, func(name string) (io.ReadCloser, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.Open(name)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// maxFleetBytes bounds a fleet file; real ones are a few kB.
const maxFleetBytes = 4 << 20

// ParseFleet decodes and validates a fleet document. Unknown keys, wrong
// types, unknown models or sites, impossible numbers and sites loaded
// beyond their MW capacity are errors that name the line. open resolves
// hourly_csv names; nil means hourly tariffs are rejected.
func ParseFleet(doc []byte, cat *hardware.Catalog, open func(string) (io.ReadCloser, error)) (*Fleet, error) {
	if len(doc) > maxFleetBytes {
		return nil, fmt.Errorf("fleet file larger than %d bytes", maxFleetBytes)
	}
	var f Fleet
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("empty fleet file")
		}
		return nil, yamlError(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, yamlError(err)
	}
	pos := positions{&root}
	if err := f.validate(pos, cat, open); err != nil {
		return nil, err
	}
	return &f, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlError reduces yaml.v3's possibly multi-line error to its first
// problem on one line, "line N: …".
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(msg)
	if !yamlLineRE.MatchString(msg) {
		msg = "line ?: " + msg
	}
	return errors.New(msg)
}

// positions finds the line of a key in the document tree, so semantic
// errors point where the user must look.
type positions struct{ root *yaml.Node }

// line follows path (map keys as strings, sequence indices as ints) and
// returns the line of the deepest node reached.
func (p positions) line(path ...any) int {
	steps := make([]string, len(path))
	for i, step := range path {
		steps[i] = fmt.Sprint(step)
	}
	return yamlpos.Line(p.root, steps...)
}

func (p positions) errorf(format string, args ...any) func(path ...any) error {
	return func(path ...any) error {
		return fmt.Errorf("line %d: %s", p.line(path...), fmt.Sprintf(format, args...))
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (f *Fleet) validate(pos positions, cat *hardware.Catalog, open func(string) (io.ReadCloser, error)) error {
	if len(f.Sites) == 0 {
		return pos.errorf("no sites: a fleet needs at least one site")()
	}
	siteIndex := map[string]int{}
	for i := range f.Sites {
		s := &f.Sites[i]
		at := func(key ...any) []any { return append([]any{"sites", i}, key...) }
		if strings.TrimSpace(s.Name) == "" {
			return pos.errorf("site %d has no name", i+1)(at()...)
		}
		if _, dup := siteIndex[s.Name]; dup {
			return pos.errorf("site %q defined twice", s.Name)(at("name")...)
		}
		siteIndex[s.Name] = i
		if !(s.CapacityMW > 0) || !finite(s.CapacityMW) || s.CapacityMW > 1e5 {
			return pos.errorf("site %q: capacity_mw must be in (0, 100000], got %g", s.Name, s.CapacityMW)(at("capacity_mw")...)
		}
		if s.PUE != 0 && (!(s.PUE >= 1) || s.PUE > 5) {
			return pos.errorf("site %q: pue must be in [1, 5], got %g", s.Name, s.PUE)(at("pue")...)
		}
		if !(s.PoolFeePct >= 0 && s.PoolFeePct < 100) {
			return pos.errorf("site %q: pool_fee_pct must be in [0, 100), got %g", s.Name, s.PoolFeePct)(at("pool_fee_pct")...)
		}
		for _, kv := range []struct {
			key string
			v   float64
		}{
			{"hosting_usd_per_kwh", s.HostingUSDPerKWh},
			{"curtailment_credit_usd_per_mwh", s.CurtailmentCreditUSDPerMWh},
			{"demand_response_usd_per_mwh", s.DemandResponseUSDPerMWh},
		} {
			if !(kv.v >= 0) || !finite(kv.v) {
				return pos.errorf("site %q: %s must be ≥ 0, got %g", s.Name, kv.key, kv.v)(at(kv.key)...)
			}
		}
		if err := s.Tariff.validate(pos, at("tariff"), s.Name, open); err != nil {
			return err
		}
		if s.AI != nil {
			if err := s.AI.validate(pos, at("ai"), s.Name); err != nil {
				return err
			}
		}
	}
	if len(f.Machines) == 0 {
		return pos.errorf("no machines: a fleet needs at least one machine group, or every total and breakeven would be 0")()
	}
	loadMW := make([]float64, len(f.Sites))
	for i := range f.Machines {
		g := &f.Machines[i]
		at := func(key ...any) []any { return append([]any{"machines", i}, key...) }
		if cat == nil {
			return pos.errorf("no hardware catalog")(at()...)
		}
		m, err := cat.Lookup(g.Model)
		if err != nil {
			return pos.errorf("machines[%d]: %v", i, err)(at("model")...)
		}
		g.model = m
		si, ok := siteIndex[g.Site]
		if !ok {
			return pos.errorf("machines[%d]: unknown site %q", i, g.Site)(at("site")...)
		}
		g.site = si
		if g.Count < 1 || g.Count > 10_000_000 {
			return pos.errorf("machines[%d]: count must be between 1 and 10,000,000, got %d", i, g.Count)(at("count")...)
		}
		if !(g.PriceUSD >= 0) || !finite(g.PriceUSD) {
			return pos.errorf("machines[%d]: price_usd must be ≥ 0, got %g", i, g.PriceUSD)(at("price_usd")...)
		}
		if g.Purchased != "" {
			if _, err := time.Parse(time.DateOnly, g.Purchased); err != nil {
				return pos.errorf("machines[%d]: purchased %q: want YYYY-MM-DD", i, g.Purchased)(at("purchased")...)
			}
		}
		for j, op := range g.OperatingPoints {
			if op.Name == "" || !(op.PowerW > 0) || !(op.HashrateTHs > 0) || !finite(op.PowerW) || !finite(op.HashrateTHs) || op.PowerW > 1e6 || op.HashrateTHs > 1e6 {
				return pos.errorf("machines[%d]: operating_points[%d] needs a name, power_w > 0 and hashrate_ths > 0", i, j)(at("operating_points", j)...)
			}
		}
		if len(g.OperatingPoints) > 8 {
			return pos.errorf("machines[%d]: at most 8 operating_points, got %d", i, len(g.OperatingPoints))(at("operating_points")...)
		}
		site := f.Sites[si]
		// The site must hold the group at its most power-hungry point.
		peakW := m.PowerW
		for _, op := range g.OperatingPoints {
			peakW = math.Max(peakW, op.PowerW)
		}
		loadMW[si] += float64(g.Count) * peakW * site.PUEOrOne() / 1e6
		if loadMW[si] > site.CapacityMW*(1+1e-9) {
			return pos.errorf("site %q over capacity: machines draw %.2f MW with PUE, capacity is %g MW", site.Name, loadMW[si], site.CapacityMW)(at("count")...)
		}
	}
	t := f.Treasury
	for _, kv := range []struct {
		key string
		v   float64
	}{{"btc", t.BTC}, {"cash_usd", t.CashUSD}, {"debt_service_usd_per_month", t.DebtServiceUSDPerMonth}} {
		if !(kv.v >= 0) || !finite(kv.v) {
			return pos.errorf("treasury: %s must be ≥ 0, got %g", kv.key, kv.v)("treasury", kv.key)
		}
	}
	if t.BTC > 21e6 {
		return pos.errorf("treasury: btc %g exceeds the 21 million supply", t.BTC)("treasury", "btc")
	}
	return nil
}

func (t *Tariff) validate(pos positions, at []any, site string, open func(string) (io.ReadCloser, error)) error {
	kinds := 0
	if t.FlatUSDPerKWh != nil {
		kinds++
	}
	if len(t.TimeOfUse) > 0 {
		kinds++
	}
	if t.HourlyCSV != "" {
		kinds++
	}
	if kinds != 1 {
		return pos.errorf("site %q: tariff needs exactly one of flat_usd_per_kwh, time_of_use, hourly_csv", site)(at...)
	}
	switch {
	case t.FlatUSDPerKWh != nil:
		if v := *t.FlatUSDPerKWh; !finite(v) || v < -1 || v > 10 {
			return pos.errorf("site %q: flat_usd_per_kwh must be in [-1, 10], got %g", site, v)(append(at, "flat_usd_per_kwh")...)
		}
	case len(t.TimeOfUse) > 0:
		var covered [24]bool
		for j, b := range t.TimeOfUse {
			where := append(append([]any{}, at...), "time_of_use", j)
			if b.FromHour < 0 || b.ToHour > 24 || b.FromHour >= b.ToHour {
				return pos.errorf("site %q: time-of-use block must have 0 ≤ from_hour < to_hour ≤ 24, got %d–%d", site, b.FromHour, b.ToHour)(where...)
			}
			if !finite(b.USDPerKWh) || b.USDPerKWh < -1 || b.USDPerKWh > 10 {
				return pos.errorf("site %q: usd_per_kwh must be in [-1, 10], got %g", site, b.USDPerKWh)(where...)
			}
			for h := b.FromHour; h < b.ToHour; h++ {
				if covered[h] {
					return pos.errorf("site %q: time-of-use blocks overlap at hour %d", site, h)(where...)
				}
				covered[h] = true
			}
		}
		for h, ok := range covered {
			if !ok {
				return pos.errorf("site %q: time-of-use blocks leave hour %d unpriced", site, h)(append(at, "time_of_use")...)
			}
		}
	default:
		where := append(at, "hourly_csv")
		if open == nil {
			return pos.errorf("site %q: hourly_csv cannot be opened here", site)(where...)
		}
		rc, err := open(t.HourlyCSV)
		if err != nil {
			return pos.errorf("site %q: %v", site, err)(where...)
		}
		defer rc.Close()
		h, err := ParseHourlyPrices(rc)
		if err != nil {
			return pos.errorf("site %q: %s: %v", site, t.HourlyCSV, err)(where...)
		}
		t.hourly = &h
	}
	return nil
}

func (a *AIOption) validate(pos positions, at []any, site string) error {
	check := func(key string, v, lo, hi float64) error {
		if !finite(v) || v < lo || v > hi {
			return pos.errorf("site %q: ai.%s must be in [%s, %s], got %g", site, key,
				strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64), v)(append(append([]any{}, at...), key)...)
		}
		return nil
	}
	for _, c := range []struct {
		key       string
		v, lo, hi float64
	}{
		{"capex_usd_per_mw", a.CapexUSDPerMW, 0, 1e9},
		{"lead_time_months", a.LeadTimeMonths, 0, 120},
		{"lease_usd_per_kw_month", a.LeaseUSDPerKWMonth, 0, 1e4},
		{"lease_usd_per_kwh", a.LeaseUSDPerKWh, 0, 100},
		{"lease_term_years", a.LeaseTermYears, 0.1, 50},
		{"uptime_sla", a.UptimeSLA, 0, 1},
		{"tenant_default_prob_per_year", a.TenantDefaultPerYr, 0, 1},
		{"it_load_fraction", a.ITLoadFraction, 0, 1},
		{"opex_usd_per_mwh", a.OpexUSDPerMWh, 0, 1e4},
	} {
		if err := check(c.key, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	if (a.LeaseUSDPerKWMonth > 0) == (a.LeaseUSDPerKWh > 0) {
		return pos.errorf("site %q: ai needs exactly one of lease_usd_per_kw_month, lease_usd_per_kwh", site)(at...)
	}
	return nil
}
