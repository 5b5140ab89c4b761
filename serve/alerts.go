package serve

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hashfall/hashfall/alert"
	"github.com/hashfall/hashfall/hardware"
)

// AlertsConfig is the config file's alerts section.
type AlertsConfig struct {
	Rules   []alert.Rule `yaml:"rules"`
	Webhook struct {
		URL            string  `yaml:"url"`
		Retries        int     `yaml:"retries"`
		BackoffSeconds float64 `yaml:"backoff_seconds"`
	} `yaml:"webhook"`
}

// alertEvery is how often rules are re-evaluated between states, so that
// staleness alerts fire while the node is silent.
const alertEvery = 30 * time.Second

// AlertInput reads the figures the alert rules need from a state.
func (s *Server) AlertInput(st *State) alert.Input {
	now := s.cfg.Now()
	in := alert.Input{Time: now, Height: st.AsOf.Height, HashpriceUSDPerPHDay: st.Hashprice.USDPerPHDay,
		HashpriceBTCPerPHDay: st.Hashprice.BTCPerPHDay, Difficulty: st.Network.Difficulty, PriceAge: now.Sub(st.Price.Time)}
	if st.Source == SourceLive {
		in.NodeStale = time.Duration(s.StaleS(st)) * time.Second
	}
	if f := st.Retarget; f != nil {
		in.RetargetP50Pct, in.HasRetarget = f.ChangeP50Pct, true
	}
	if sig := st.Signals; sig != nil {
		in.InCapitulation, in.HasSignals = sig.InCapitulation, true
	}
	if f := st.Fleet; f != nil {
		in.SiteProfitUSDDay, in.ModelsUnderwater = map[string]float64{}, map[string]int{}
		for _, site := range f.Sites {
			in.SiteProfitUSDDay[site.Site] = site.ProfitUSDDay
		}
		for _, g := range f.Groups {
			if g.ProfitUSDDay < 0 {
				in.ModelsUnderwater[g.Model] += g.Count
			} else if _, ok := in.ModelsUnderwater[g.Model]; !ok {
				in.ModelsUnderwater[g.Model] = 0
			}
		}
	}
	return in
}

// startAlerts wires the configured rules to the server: evaluated on each
// new state and every alertEvery; it returns a function that flushes the
// webhook on shutdown.
func startAlerts(ctx context.Context, srv *Server, cfg AlertsConfig, cat *hardware.Catalog, log *slog.Logger) (func(), error) {
	if len(cfg.Rules) == 0 {
		return func() {}, nil
	}
	// A model rule names the model as the user writes it; the fleet status
	// uses the catalog's name.
	for i, r := range cfg.Rules {
		if r.Model != "" {
			m, err := cat.Lookup(r.Model)
			if err != nil {
				return nil, fmt.Errorf("alert %q: model: %v", r.Name, err)
			}
			cfg.Rules[i].Model = m.Name
		}
	}
	var notifiers []alert.Notifier
	var wh *alert.Webhook
	if cfg.Webhook.URL != "" {
		wh = &alert.Webhook{URL: cfg.Webhook.URL, Retries: cfg.Webhook.Retries, Log: log,
			Backoff: time.Duration(cfg.Webhook.BackoffSeconds * float64(time.Second))}
		if wh.Retries == 0 {
			wh.Retries = 5
		}
		notifiers = append(notifiers, wh)
	}
	eng, err := alert.NewEngine(cfg.Rules, log, notifiers...)
	if err != nil {
		return nil, err
	}
	srv.SetAlerts(eng)
	srv.OnPublish(func(st *State) { eng.Evaluate(srv.AlertInput(st)) })
	go func() {
		tick := time.NewTicker(alertEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if st := srv.State(); st != nil {
					eng.Evaluate(srv.AlertInput(st))
				}
			}
		}
	}()
	return func() {
		if wh != nil {
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			wh.Close(c)
			cancel()
		}
	}, nil
}

// RuleInForce is an alert rule as /api/v1/alerts lists it: every field of
// the config's rule, with its units in the names. The webhook URL is not
// part of a rule and is never listed (it may carry a secret).
type RuleInForce struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Threshold  float64 `json:"threshold"`
	Unit       string  `json:"unit,omitempty"`
	Model      string  `json:"model,omitempty"`
	Site       string  `json:"site,omitempty"`
	Hysteresis float64 `json:"hysteresis"`
	ForMinutes float64 `json:"for_minutes"`
	Minutes    float64 `json:"minutes,omitempty"`
}

func rulesInForce(rules []alert.Rule) []RuleInForce {
	out := make([]RuleInForce, len(rules))
	for i, r := range rules {
		out[i] = RuleInForce{Name: r.Name, Kind: r.Kind, Threshold: r.Threshold, Unit: r.Unit, Model: r.Model, Site: r.Site,
			Hysteresis: r.Hysteresis, ForMinutes: r.ForMinutes, Minutes: r.Minutes}
	}
	return out
}
