package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashfall/hashfall/chain"
)

// PriceSource gives the current BTC/USD price.
type PriceSource interface {
	// Name labels the quotes in answers (price_source).
	Name() string
	Quote(ctx context.Context) (Quote, error)
}

// FixedPrice is a constant price set by the operator.
type FixedPrice float64

// Name implements PriceSource.
func (p FixedPrice) Name() string { return fmt.Sprintf("fixed $%g", float64(p)) }

// Quote implements PriceSource; the time is now.
func (p FixedPrice) Quote(context.Context) (Quote, error) {
	if !(p > 0) || math.IsInf(float64(p), 0) {
		return Quote{}, fmt.Errorf("fixed price must be > 0, got %g", float64(p))
	}
	return Quote{USD: float64(p), Time: time.Now().UTC().Truncate(time.Second), Source: p.Name()}, nil
}

// CSVPrice is the last close of a price CSV in any layout `hashfall import
// prices` reads, re-read whenever the file's size or modification time
// changes.
type CSVPrice struct {
	Path string

	mu    sync.Mutex
	stamp string
	last  Quote
}

// Name implements PriceSource.
func (c *CSVPrice) Name() string { return "csv " + c.Path }

// Quote implements PriceSource.
func (c *CSVPrice) Quote(context.Context) (Quote, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	stamp, _, err := fileStamp(c.Path)
	if err != nil {
		return Quote{}, err
	}
	if stamp == c.stamp {
		return c.last, nil
	}
	f, err := os.Open(c.Path)
	if err != nil {
		return Quote{}, err
	}
	defer f.Close()
	prices, err := chain.ReadPricesCSV(f)
	if err != nil {
		return Quote{}, fmt.Errorf("%s: %w", c.Path, err)
	}
	if len(prices) == 0 {
		return Quote{}, fmt.Errorf("%s: no prices", c.Path)
	}
	latest := prices[0]
	for _, p := range prices {
		if p.Day.After(latest.Day) {
			latest = p
		}
	}
	c.stamp, c.last = stamp, Quote{USD: latest.CloseUSD, Time: latest.Day, Source: c.Name()}
	return c.last, nil
}

// Exchange is a public ticker: a URL and how to read the last trade price
// from its JSON answer.
type Exchange struct {
	Name  string
	URL   string
	Parse func(body []byte) (float64, error)
}

// Public BTC/USD tickers (no API key). The response shapes follow each
// exchange's documentation.
var (
	// Kraken: GET /0/public/Ticker?pair=XBTUSD →
	// {"error":[],"result":{"XXBTZUSD":{"c":["<last price>","<lot volume>"],...}}}
	Kraken = Exchange{Name: "kraken", URL: "https://api.kraken.com/0/public/Ticker?pair=XBTUSD", Parse: parseKraken}
	// Coinbase Exchange: GET /products/BTC-USD/ticker →
	// {"trade_id":..,"price":"<last>","size":"..","time":"..","bid":"..","ask":"..","volume":".."}
	Coinbase = Exchange{Name: "coinbase", URL: "https://api.exchange.coinbase.com/products/BTC-USD/ticker", Parse: parseCoinbase}
	// Bitstamp: GET /api/v2/ticker/btcusd/ →
	// {"timestamp":"..","last":"<last>","bid":"..","ask":"..","vwap":"..",...}
	Bitstamp = Exchange{Name: "bitstamp", URL: "https://www.bitstamp.net/api/v2/ticker/btcusd/", Parse: parseBitstamp}
)

// Exchanges by config name.
var Exchanges = map[string]Exchange{"kraken": Kraken, "coinbase": Coinbase, "bitstamp": Bitstamp}

func positivePrice(s string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("price %q is not a positive number", s)
	}
	return x, nil
}

func parseKraken(body []byte) (float64, error) {
	var r struct {
		Error  []string `json:"error"`
		Result map[string]struct {
			C []string `json:"c"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	if len(r.Error) > 0 {
		return 0, errors.New(strings.Join(r.Error, "; "))
	}
	if len(r.Result) != 1 {
		return 0, fmt.Errorf("want one pair in result, got %d", len(r.Result))
	}
	for _, t := range r.Result {
		if len(t.C) == 0 {
			return 0, errors.New("no last trade (c)")
		}
		return positivePrice(t.C[0])
	}
	panic("unreachable")
}

func parseCoinbase(body []byte) (float64, error) {
	var r struct {
		Price   string `json:"price"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	if r.Price == "" && r.Message != "" {
		return 0, errors.New(r.Message)
	}
	return positivePrice(r.Price)
}

func parseBitstamp(body []byte) (float64, error) {
	var r struct {
		Last string `json:"last"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	return positivePrice(r.Last)
}

// Tickers polls exchanges and quotes the median of the prices that
// answered within MaxAge: one exchange that stops answering or drifts
// cannot move the quote while two others agree.
type Tickers struct {
	Exchanges []Exchange
	MaxAge    time.Duration
	Client    *http.Client

	mu   sync.Mutex
	last map[string]Quote
}

// Name implements PriceSource.
func (t *Tickers) Name() string {
	names := make([]string, len(t.Exchanges))
	for i, e := range t.Exchanges {
		names[i] = e.Name
	}
	return "median of " + strings.Join(names, ", ")
}

// Quote asks every exchange at once and returns the median of the fresh
// answers; its time is the oldest of those it used.
func (t *Tickers) Quote(ctx context.Context) (Quote, error) {
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(t.Exchanges))
	for i, e := range t.Exchanges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			usd, err := fetchTicker(ctx, client, e)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", e.Name, err)
				return
			}
			t.mu.Lock()
			if t.last == nil {
				t.last = map[string]Quote{}
			}
			t.last[e.Name] = Quote{USD: usd, Time: time.Now().UTC(), Source: e.Name}
			t.mu.Unlock()
		}()
	}
	wg.Wait()
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	var fresh []Quote
	for _, e := range t.Exchanges {
		if q, ok := t.last[e.Name]; ok && now.Sub(q.Time) <= t.MaxAge {
			fresh = append(fresh, q)
		}
	}
	if len(fresh) == 0 {
		return Quote{}, fmt.Errorf("no exchange answered within %s: %v", t.MaxAge, errors.Join(errs...))
	}
	usd := make([]float64, len(fresh))
	oldest := fresh[0].Time
	names := make([]string, len(fresh))
	for i, q := range fresh {
		usd[i], names[i] = q.USD, q.Source
		if q.Time.Before(oldest) {
			oldest = q.Time
		}
	}
	return Quote{USD: median(usd), Time: oldest, Source: "median of " + strings.Join(names, ", ")}, nil
}

// median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// maxTickerBody bounds an exchange's answer.
const maxTickerBody = 1 << 20

func fetchTicker(ctx context.Context, client *http.Client, e Exchange) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", e.URL, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "hashfall-serve")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTickerBody))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return e.Parse(body)
}
