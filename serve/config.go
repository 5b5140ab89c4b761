package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// TokenEnv is the environment variable holding the bearer token when the
// config names no token file.
const TokenEnv = "HASHFALL_TOKEN"

// FileConfig is serve's config file (YAML).
type FileConfig struct {
	// TokenFile holds the bearer token for writes (simulate); else the
	// HASHFALL_TOKEN environment variable. Never a flag: flags show in ps.
	TokenFile string `yaml:"token_file"`
	// PowerUSDPerKWh is the site's power price for machines, signals and
	// energy (default 0.05).
	PowerUSDPerKWh float64 `yaml:"power_usd_per_kwh"`
	PUE            float64 `yaml:"pue"`
	// StaleAfterMinutes marks the state stale when the node has not
	// confirmed it for this long (default 10).
	StaleAfterMinutes float64       `yaml:"stale_after_minutes"`
	Price             PriceConfig   `yaml:"price"`
	Alerts            AlertsConfig  `yaml:"alerts"`
	Curtail           CurtailConfig `yaml:"curtail"`
}

// PriceConfig chooses the price source: at most one of fixed, csv and
// tickers.
type PriceConfig struct {
	// Fixed is a constant USD price.
	Fixed float64 `yaml:"fixed"`
	// CSV is a price file in any `hashfall import prices` layout, re-read
	// when it changes; its last close is the price.
	CSV string `yaml:"csv"`
	// Tickers names public exchange tickers (kraken, coinbase, bitstamp);
	// the price is the median of those that answered within MaxAgeSeconds.
	Tickers       []string `yaml:"tickers"`
	MaxAgeSeconds float64  `yaml:"max_age_seconds"`
	// PollSeconds is how often the source is asked (default 60).
	PollSeconds float64 `yaml:"poll_seconds"`
}

// LoadConfig reads a config file; unknown keys are errors naming the line.
func LoadConfig(path string) (*FileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c FileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	// Each check is written so that NaN fails it (every comparison with
	// NaN is false); the bounds are physical, as for the CLI's flags.
	for _, f := range []struct {
		key    string
		x      float64
		lo, hi float64
	}{
		{"power_usd_per_kwh", c.PowerUSDPerKWh, 0, 10},
		{"pue", c.PUE, 0, 10},
		{"price.fixed", c.Price.Fixed, 0, 1e7},
		{"price.max_age_seconds", c.Price.MaxAgeSeconds, 0, 86400 * 365},
		{"price.poll_seconds", c.Price.PollSeconds, 0, 86400 * 365},
		{"stale_after_minutes", c.StaleAfterMinutes, 0, 60 * 24 * 365},
	} {
		if !(f.x >= f.lo && f.x <= f.hi) {
			return nil, fmt.Errorf("%s: %s must be in [%g, %g], got %g", path, f.key, f.lo, f.hi, f.x)
		}
	}
	if c.PUE != 0 && c.PUE < 1 {
		return nil, fmt.Errorf("%s: pue must be ≥ 1 (or absent), got %g", path, c.PUE)
	}
	for i := range c.Alerts.Rules {
		if err := c.Alerts.Rules[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	if err := c.Curtail.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	// Paths in the file are relative to the file.
	for _, p := range []*string{&c.TokenFile, &c.Price.CSV, &c.Curtail.Prices} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(filepath.Dir(path), *p)
		}
	}
	return &c, nil
}

// Token returns the bearer token from the token file or the environment;
// "" means writes are disabled.
func (c *FileConfig) Token() (string, error) {
	if c.TokenFile != "" {
		b, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return "", fmt.Errorf("token_file: %w", err)
		}
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return "", fmt.Errorf("token_file %s: the token must be at least 16 characters", c.TokenFile)
		}
		return t, nil
	}
	return strings.TrimSpace(os.Getenv(TokenEnv)), nil
}

func (c *FileConfig) apply(o *Options) {
	if c.PowerUSDPerKWh > 0 {
		o.PowerUSDPerKWh = c.PowerUSDPerKWh
	}
	if c.PUE >= 1 {
		o.PUE = c.PUE
	}
}

func (c *FileConfig) staleAfter() time.Duration {
	if c.StaleAfterMinutes > 0 {
		return time.Duration(c.StaleAfterMinutes * float64(time.Minute))
	}
	return 10 * time.Minute
}

func (c *FileConfig) pricePoll() time.Duration {
	if c.Price.PollSeconds > 0 {
		return time.Duration(c.Price.PollSeconds * float64(time.Second))
	}
	return time.Minute
}

// PriceSource builds the configured source; nil means the store's latest
// imported price, or the snapshot's.
func (c *FileConfig) PriceSource() (PriceSource, error) {
	p := c.Price
	n := 0
	for _, set := range []bool{p.Fixed > 0, p.CSV != "", len(p.Tickers) > 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("price: give one of fixed, csv and tickers")
	}
	switch {
	case p.Fixed > 0:
		return FixedPrice(p.Fixed), nil
	case p.CSV != "":
		return &CSVPrice{Path: p.CSV}, nil
	case len(p.Tickers) > 0:
		t := &Tickers{MaxAge: 5 * time.Minute}
		if p.MaxAgeSeconds > 0 {
			t.MaxAge = time.Duration(p.MaxAgeSeconds * float64(time.Second))
		}
		for _, name := range p.Tickers {
			e, ok := Exchanges[name]
			if !ok {
				return nil, fmt.Errorf("price.tickers: unknown exchange %q (want kraken, coinbase or bitstamp)", name)
			}
			t.Exchanges = append(t.Exchanges, e)
		}
		return t, nil
	}
	return nil, nil
}
