package alert

import (
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Input is what the rules read from one state of the monitor.
type Input struct {
	Time                 time.Time
	Height               int64
	HashpriceUSDPerPHDay float64
	HashpriceBTCPerPHDay float64
	Difficulty           float64
	// RetargetP50Pct is the next retarget's median change; HasRetarget
	// says whether it is known.
	RetargetP50Pct float64
	HasRetarget    bool
	InCapitulation bool
	HasSignals     bool
	PriceAge       time.Duration
	NodeStale      time.Duration
	// SiteProfitUSDDay and ModelsUnderwater are the fleet's, nil without one.
	SiteProfitUSDDay map[string]float64
	ModelsUnderwater map[string]int
}

// Rule is one alert rule from the config file.
type Rule struct {
	Name string `yaml:"name" json:"rule"`
	Kind string `yaml:"kind" json:"kind"`
	// Threshold is the line: USD or BTC per PH/day (hashprice_below, by
	// Unit), percent (retarget_p50_*).
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// Unit of a hashprice threshold: usd_per_ph_day (default) or btc_per_ph_day.
	Unit string `yaml:"unit" json:"unit,omitempty"`
	// Hysteresis is the fraction (hashprice) or percentage points
	// (retarget) past the line the value must go back before the alert
	// resolves.
	Hysteresis float64 `yaml:"hysteresis" json:"-"`
	// ForMinutes is how long the condition must hold before firing.
	ForMinutes float64 `yaml:"for_minutes" json:"-"`
	// Model and Site select a fleet group.
	Model string `yaml:"model" json:"model,omitempty"`
	Site  string `yaml:"site" json:"site,omitempty"`
	// Minutes is the staleness limit of price_stale and node_stale.
	Minutes float64 `yaml:"minutes" json:"-"`
}

// Kinds lists the rule kinds.
var Kinds = []string{"hashprice_below", "fleet_model_underwater", "fleet_site_underwater", "retarget_p50_below",
	"retarget_p50_above", "difficulty_adjusted", "capitulation", "price_stale", "node_stale"}

// Validate checks a rule's fields for its kind; the error names the field.
func (r *Rule) Validate() error {
	if r.Name == "" {
		r.Name = r.Kind
	}
	bad := func(f string, args ...any) error {
		return fmt.Errorf("alert %q: "+f, append([]any{r.Name}, args...)...)
	}
	if math.IsNaN(r.Threshold) || math.IsInf(r.Threshold, 0) || r.Hysteresis < 0 || r.ForMinutes < 0 || r.Minutes < 0 {
		return bad("threshold must be finite; hysteresis, for_minutes and minutes ≥ 0")
	}
	switch r.Kind {
	case "hashprice_below":
		if r.Unit == "" {
			r.Unit = "usd_per_ph_day"
		}
		if r.Unit != "usd_per_ph_day" && r.Unit != "btc_per_ph_day" {
			return bad("unit must be usd_per_ph_day or btc_per_ph_day, got %q", r.Unit)
		}
		if !(r.Threshold > 0) {
			return bad("threshold must be > 0")
		}
	case "fleet_model_underwater":
		if r.Model == "" {
			return bad("model is required")
		}
	case "fleet_site_underwater":
		if r.Site == "" {
			return bad("site is required")
		}
	case "retarget_p50_below", "retarget_p50_above", "difficulty_adjusted", "capitulation":
	case "price_stale", "node_stale":
		if !(r.Minutes > 0) {
			return bad("minutes must be > 0")
		}
	default:
		return bad("kind %q unknown (want one of %v)", r.Kind, Kinds)
	}
	return nil
}

// Notification is one transition, as the webhook receives it.
type Notification struct {
	Version   int       `json:"version"`
	Rule      string    `json:"rule"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"` // firing, resolved or event
	Value     float64   `json:"value"`
	Threshold float64   `json:"threshold"`
	Unit      string    `json:"unit,omitempty"`
	Message   string    `json:"message"`
	Height    int64     `json:"height"`
	At        time.Time `json:"at"`
	Since     time.Time `json:"since"`
}

// Active is an alert currently firing, as /api/v1/alerts lists it.
type Active struct {
	Rule      string    `json:"rule"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"` // pending or firing
	Value     float64   `json:"value"`
	Threshold float64   `json:"threshold"`
	Since     time.Time `json:"since"`
	Message   string    `json:"message"`
}

// Notifier delivers notifications.
type Notifier interface {
	Notify(Notification)
}

type ruleState struct {
	pendingSince time.Time // zero: condition false
	firing       bool
	firedAt      time.Time
	value        float64
	message      string
	lastDiff     float64
}

// Engine evaluates rules and delivers their transitions.
type Engine struct {
	rules     []Rule
	notifiers []Notifier
	log       *slog.Logger

	mu     sync.Mutex
	states []ruleState
}

// NewEngine validates rules and returns an engine delivering to notifiers.
func NewEngine(rules []Rule, log *slog.Logger, notifiers ...Notifier) (*Engine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	names := map[string]bool{}
	for i := range rules {
		if err := rules[i].Validate(); err != nil {
			return nil, err
		}
		if names[rules[i].Name] {
			return nil, fmt.Errorf("alert %q: name used twice", rules[i].Name)
		}
		names[rules[i].Name] = true
	}
	return &Engine{rules: rules, notifiers: notifiers, log: log, states: make([]ruleState, len(rules))}, nil
}

// condition returns whether the rule's condition holds now (with the
// hysteresis band keeping a firing alert on), its value, and whether the
// input has the figure at all.
func (r *Rule) condition(in Input, firing bool) (on bool, value float64, known bool) {
	switch r.Kind {
	case "hashprice_below":
		v := in.HashpriceUSDPerPHDay
		if r.Unit == "btc_per_ph_day" {
			v = in.HashpriceBTCPerPHDay
		}
		if firing {
			return v < r.Threshold*(1+r.Hysteresis), v, true
		}
		return v < r.Threshold, v, true
	case "fleet_model_underwater":
		if in.ModelsUnderwater == nil {
			return false, 0, false
		}
		n, ok := in.ModelsUnderwater[r.Model]
		return n > 0, float64(n), ok
	case "fleet_site_underwater":
		p, ok := in.SiteProfitUSDDay[r.Site]
		return p < 0, p, ok
	case "retarget_p50_below":
		if firing {
			return in.RetargetP50Pct < r.Threshold+r.Hysteresis, in.RetargetP50Pct, in.HasRetarget
		}
		return in.RetargetP50Pct < r.Threshold, in.RetargetP50Pct, in.HasRetarget
	case "retarget_p50_above":
		if firing {
			return in.RetargetP50Pct > r.Threshold-r.Hysteresis, in.RetargetP50Pct, in.HasRetarget
		}
		return in.RetargetP50Pct > r.Threshold, in.RetargetP50Pct, in.HasRetarget
	case "capitulation":
		v := 0.0
		if in.InCapitulation {
			v = 1
		}
		return in.InCapitulation, v, in.HasSignals
	case "price_stale":
		return in.PriceAge > time.Duration(r.Minutes*float64(time.Minute)), in.PriceAge.Minutes(), true
	case "node_stale":
		return in.NodeStale > time.Duration(r.Minutes*float64(time.Minute)), in.NodeStale.Minutes(), true
	}
	return false, 0, false
}

func (r *Rule) describe(value float64, status string) string {
	switch r.Kind {
	case "hashprice_below":
		return fmt.Sprintf("hashprice %.6g %s (line %.6g): %s", value, r.Unit, r.Threshold, status)
	case "fleet_model_underwater":
		return fmt.Sprintf("%s: %.0f machines underwater: %s", r.Model, value, status)
	case "fleet_site_underwater":
		return fmt.Sprintf("site %s profit %.0f USD/day: %s", r.Site, value, status)
	case "retarget_p50_below", "retarget_p50_above":
		return fmt.Sprintf("next retarget p50 change %+.2f%% (line %+.2f%%): %s", value, r.Threshold, status)
	case "capitulation":
		if status == "firing" {
			return "hash-ribbon capitulation started"
		}
		return "hash-ribbon capitulation ended"
	case "price_stale":
		return fmt.Sprintf("price is %.0f min old (limit %.0f): %s", value, r.Minutes, status)
	case "node_stale":
		return fmt.Sprintf("node has not confirmed the state for %.0f min (limit %.0f): %s", value, r.Minutes, status)
	}
	return status
}

// Evaluate runs every rule on in and delivers the transitions.
func (e *Engine) Evaluate(in Input) []Notification {
	e.mu.Lock()
	var out []Notification
	for i := range e.rules {
		r, st := &e.rules[i], &e.states[i]
		if r.Kind == "difficulty_adjusted" {
			if st.lastDiff != 0 && in.Difficulty != st.lastDiff && in.Difficulty > 0 {
				change := 100 * (in.Difficulty/st.lastDiff - 1)
				out = append(out, Notification{Rule: r.Name, Kind: r.Kind, Status: "event", Value: in.Difficulty, Threshold: st.lastDiff,
					Message: fmt.Sprintf("difficulty adjusted %+.2f%% to %.6g at height %d", change, in.Difficulty, in.Height),
					Height:  in.Height, At: in.Time, Since: in.Time})
			}
			if in.Difficulty > 0 {
				st.lastDiff = in.Difficulty
			}
			continue
		}
		on, v, known := r.condition(in, st.firing)
		if !known {
			continue
		}
		st.value = v
		switch {
		case on && st.pendingSince.IsZero():
			st.pendingSince = in.Time
		case !on:
			st.pendingSince = time.Time{}
		}
		forDur := time.Duration(r.ForMinutes * float64(time.Minute))
		switch {
		case on && !st.firing && in.Time.Sub(st.pendingSince) >= forDur:
			st.firing, st.firedAt = true, in.Time
			st.message = r.describe(v, "firing")
			out = append(out, Notification{Rule: r.Name, Kind: r.Kind, Status: "firing", Value: v, Threshold: r.Threshold, Unit: r.Unit,
				Message: st.message, Height: in.Height, At: in.Time, Since: st.pendingSince})
		case !on && st.firing:
			st.firing = false
			out = append(out, Notification{Rule: r.Name, Kind: r.Kind, Status: "resolved", Value: v, Threshold: r.Threshold, Unit: r.Unit,
				Message: r.describe(v, "resolved"), Height: in.Height, At: in.Time, Since: st.firedAt})
		}
	}
	e.mu.Unlock()
	for i := range out {
		out[i].Version = 1
		e.log.Warn("alert", "rule", out[i].Rule, "status", out[i].Status, "value", out[i].Value, "message", out[i].Message)
		for _, n := range e.notifiers {
			n.Notify(out[i])
		}
	}
	return out
}

// Rules returns the engine's rules as validated (names defaulted), in
// config order; they never change after NewEngine.
func (e *Engine) Rules() []Rule { return slices.Clone(e.rules) }

// Active lists the alerts firing or pending, by rule name.
func (e *Engine) Active() any {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []Active{}
	for i, st := range e.states {
		r := e.rules[i]
		switch {
		case st.firing:
			out = append(out, Active{Rule: r.Name, Kind: r.Kind, State: "firing", Value: st.value, Threshold: r.Threshold, Since: st.firedAt, Message: st.message})
		case !st.pendingSince.IsZero():
			out = append(out, Active{Rule: r.Name, Kind: r.Kind, State: "pending", Value: st.value, Threshold: r.Threshold, Since: st.pendingSince,
				Message: r.describe(st.value, "pending")})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}
