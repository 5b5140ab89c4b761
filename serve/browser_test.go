package serve

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hashfall/hashfall/alert"
	"github.com/hashfall/hashfall/internal/browsertest"
	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/serve/web"
)

// The dashboard's two widths: a desktop and a phone (iPhone 14: 390×844).
var dashboardWidths = []struct{ w, h int }{{1440, 900}, {390, 844}}

const browserToken = "browser-test-token"

func apiJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// domValue reads the raw number a page put in an element's data-value
// (JavaScript's shortest round-trip form, so it parses to the same float64).
func domValue(t *testing.T, p *browsertest.Page, sel, attr string) float64 {
	t.Helper()
	s := p.Attr(t, sel, attr)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", sel, attr, s, err)
	}
	return v
}

// checkPage is what every page must pass at every width: no console error
// or failed request, a screenshot that is not blank, no empty chart
// canvas, no horizontal overflow, no critical accessibility violation.
func checkPage(t *testing.T, p *browsertest.Page, out, name string) {
	t.Helper()
	p.CheckClean(t)
	browsertest.CheckNotBlank(t, name, p.Screenshot(t, out, name))
	p.CheckCanvases(t)
	p.CheckNoHorizontalOverflow(t)
	p.CheckAxe(t, name)
}

// The dashboard in a real headless Chromium against serve following a
// real btcd: every page at both widths, the numbers against the API, the
// calculator, a simulation run from the page, and a new block arriving
// without a reload.
func TestDashboardInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	ln := startLiveNode(t, 300, Config{Token: browserToken, Web: web.Handler(), StaleAfter: 5 * time.Second})
	_, tip, err := ln.node.Client.GetBestBlock()
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "state at the node's tip", 60*time.Second, func() bool {
		code, m := getJSON(t, ln.base+"/api/v1/network")
		return code == 200 && heightOf(m) == int64(tip)
	})
	out := browsertest.OutDir(t)
	loaded := `Number(document.body.dataset.refreshes) >= 1`

	t.Run("network first load", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		p.Open(t, ln.base+"/", "#hashprice-usd")
		p.WaitJS(t, 20*time.Second, loaded+` && document.querySelectorAll("canvas").length >= 2`)
		l := p.Performance(t)
		var ms, floor float64
		p.Eval(t, `hf.benchChart(2)`, &floor) // the same chart with two points: the fixed cost
		p.Eval(t, `hf.benchChart(52560)`, &ms)
		t.Logf("first load: %.0f bytes in %d requests, first paint %.0f ms, first contentful paint %.0f ms, DOMContentLoaded %.0f ms, load %.0f ms; 1-year chart of 52,560 points drawn in %.1f ms (2 points: %.1f ms)",
			l.TransferBytes, l.Resources, l.FirstPaintMs, l.FirstContentMs, l.DOMContentMs, l.LoadEventEndMs, ms, floor)
		if l.TransferBytes <= 0 || l.TransferBytes > 300_000 {
			t.Errorf("first load transferred %.0f bytes, want (0, 300 KB]", l.TransferBytes)
		}
		if f := os.Getenv("HASHFALL_DASHBOARD_PERF"); f != "" {
			line := fmt.Sprintf("transfer_bytes=%.0f requests=%d first_paint_ms=%.0f fcp_ms=%.0f load_ms=%.0f chart_52560_ms=%.1f chart_2_ms=%.1f\n",
				l.TransferBytes, l.Resources, l.FirstPaintMs, l.FirstContentMs, l.LoadEventEndMs, ms, floor)
			if err := os.WriteFile(f, []byte(line), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	for _, sz := range dashboardWidths {
		for _, pg := range web.Pages {
			name := fmt.Sprintf("%s-%d", pg.Name, sz.w)
			t.Run(name, func(t *testing.T) {
				p := b.NewPage(t, sz.w, sz.h)
				if pg.Name == "fleet" { // serve runs with no --fleet here
					p.Allow(`HTTP 404 .*/api/v1/fleet/status$`)
				}
				p.Open(t, ln.base+pg.Path, "main h1")
				p.WaitJS(t, 20*time.Second, loaded)
				switch pg.Name {
				case "network":
					p.WaitJS(t, 10*time.Second, `document.querySelectorAll("canvas").length >= 2`)
					// No prices are imported: every day is priced at the
					// fixed quote, and the page says so.
					p.WaitJS(t, 10*time.Second, `document.querySelector("#chart-hashprice canvas")`)
					if s := p.Text(t, "#history-msg"); !strings.Contains(s, "ASSUMED") {
						t.Errorf("the page does not label the assumed hashprice history: %q", s)
					}
					checkHashpriceChart(t, p, ln.base)
					checkHashrateSeries(t, p, ln.base)
					checkNetworkNumbers(t, p, ln.base)
					checkDrops(t, p, ln.base)
					checkDoubleSpend(t, p, ln.base)
					checkRetargetCDF(t, p, ln.base)
				case "machines":
					p.WaitJS(t, 10*time.Second, `document.querySelectorAll("#machines-table tbody tr").length > 0 && document.querySelector("canvas")`)
				case "fleet":
					if s := p.Text(t, "#fleet-msg"); !strings.Contains(s, "no fleet") {
						t.Errorf("fleet page without a fleet says %q", s)
					}
				case "pools":
					if got, want := domValue(t, p, "#nakamoto", "data-value"), poolsNakamoto(t, ln.base); got != want {
						t.Errorf("Nakamoto coefficient on the page %g, API %g", got, want)
					}
					checkPoolShares(t, p, ln.base)
				}
				if src := p.Text(t, "#source"); src != "LIVE" {
					t.Errorf("source label %q, want LIVE", src)
				}
				checkPage(t, p, out, name)
			})
		}
	}

	t.Run("machines calculator follows power cost", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		p.Open(t, ln.base+"/machines", "#machines-table")
		p.WaitJS(t, 20*time.Second, `document.querySelectorAll("#machines-table tbody tr").length > 0`)
		before := machineRows(t, p)
		checkMachines(t, before, ln.base+"/api/v1/machines")
		p.SetValue(t, "#in-power", "0.08")
		p.WaitJS(t, 10*time.Second, `document.getElementById("calc-summary").dataset.power === "0.08"`)
		after := machineRows(t, p)
		checkMachines(t, after, ln.base+"/api/v1/machines?power_cost=0.08")
		changed := 0
		for m, r := range after {
			if r.Power != before[m].Power {
				changed++
			}
		}
		if changed != len(after) {
			t.Errorf("%d of %d models' power cost changed when the power price went to $0.08", changed, len(after))
		}
		var url string
		p.Eval(t, `location.search`, &url)
		if !strings.Contains(url, "power_cost=0.08") {
			t.Errorf("URL %q does not keep the power cost", url)
		}
		// The URL alone restores the view.
		q := b.NewPage(t, 390, 844)
		q.Open(t, ln.base+"/machines"+url, "#machines-table")
		q.WaitJS(t, 20*time.Second, `document.getElementById("calc-summary").dataset.power === "0.08"`)
		var cur string
		q.Eval(t, `document.getElementById("in-power").value`, &cur)
		if cur != "0.08" {
			t.Errorf("power input restored as %q", cur)
		}
		p.CheckClean(t)
		q.CheckClean(t)
	})

	t.Run("simulate with a wrong token", func(t *testing.T) {
		p := b.NewPage(t, 390, 844)
		p.Allow(`HTTP 401 .*/api/v1/simulate`) // the answer under test
		p.Open(t, ln.base+"/simulate", "#sim")
		p.SetValue(t, "#in-token", "not-the-token")
		p.Run(t, 10*time.Second, chromedp.Click("#run", chromedp.ByQuery))
		p.WaitJS(t, 10*time.Second, `!document.getElementById("sim-msg").hidden`)
		if s := p.Text(t, "#sim-msg"); !strings.Contains(s, "token") {
			t.Errorf("the page says %q after a 401", s)
		}
		if s := p.Text(t, "#sim-status"); s != "failed" {
			t.Errorf("status %q after a 401", s)
		}
		p.CheckClean(t)
	})

	t.Run("simulate from the page", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		p.Open(t, ln.base+"/simulate", "#sim")
		p.SetValue(t, "#in-token", browserToken)
		p.SetValue(t, "#in-paths", "60")
		p.SetValue(t, "#in-horizon", "90")
		p.Run(t, 10*time.Second, chromedp.Click("#run", chromedp.ByQuery))
		p.WaitJS(t, 60*time.Second, `document.body.dataset.simDone`)
		if n := p.CheckCanvases(t); n < 5 {
			t.Errorf("%d fan charts drawn, want 5", n)
		}
		var rows int
		p.Eval(t, `document.querySelectorAll("#events-table tbody tr").length`, &rows)
		var job struct {
			Summary struct {
				Events []struct{ Event string } `json:"events"`
			} `json:"summary"`
		}
		apiJSON(t, ln.base+"/api/v1/jobs/"+p.Attr(t, "body", "data-sim-done"), &job)
		if rows == 0 || rows != len(job.Summary.Events) {
			t.Errorf("events table has %d rows, the job %d events", rows, len(job.Summary.Events))
		}
		if s := p.Text(t, "#sim-status"); !strings.HasPrefix(s, "done") {
			t.Errorf("status %q", s)
		}
		browsertest.CheckNotBlank(t, "simulate-run-1440", p.Screenshot(t, out, "simulate-run-1440"))
		p.CheckNoHorizontalOverflow(t)
		p.CheckClean(t)
	})

	t.Run("keyboard", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		p.Open(t, ln.base+"/", "#hashprice-usd")
		p.WaitJS(t, 20*time.Second, loaded+` && document.querySelectorAll("canvas").length >= 2`)
		order := p.TabOrder(t, 25, nil)
		at := func(want string) int {
			for i, d := range order {
				if strings.HasPrefix(d, want) {
					return i
				}
			}
			t.Errorf("Tab never reaches %q: %v", want, order)
			return -1
		}
		if order[0] != "a:Skip to content" {
			t.Errorf("first Tab stop %q, want the skip link", order[0])
		}
		at("a:Machines")
		at("button:Download Hashrate as CSV")
		if at("button:1m") >= 0 {
			p.Open(t, ln.base+"/", "#hashprice-usd") // focus back to the top
			p.WaitJS(t, 20*time.Second, loaded)
			p.TabOrder(t, 25, func(d string) bool { return d == "button:1m" })
			p.Press(t, kb.Enter)
			p.WaitJS(t, 10*time.Second, `document.querySelector('[data-range="30"]').getAttribute("aria-pressed") === "true"`)
		}

		m := b.NewPage(t, 1440, 900)
		m.Open(t, ln.base+"/machines", "#machines-table")
		m.WaitJS(t, 20*time.Second, `document.querySelectorAll("#machines-table tbody tr").length > 0`)
		order = m.TabOrder(t, 30, func(d string) bool { return d == "button:Model" })
		if order[len(order)-1] != "button:Model" {
			t.Fatalf("Tab never reaches the Model column's sort button: %v", order)
		}
		m.Press(t, kb.Enter)
		m.WaitJS(t, 5*time.Second, `document.querySelector('th[data-key="model"]').getAttribute("aria-sort") === "ascending"`)
		var first, second string
		m.Eval(t, `document.querySelector("#machines-table tbody tr:nth-child(1) td").textContent`, &first)
		m.Eval(t, `document.querySelector("#machines-table tbody tr:nth-child(2) td").textContent`, &second)
		if strings.Compare(first, second) > 0 {
			t.Errorf("sorted by model, yet %q comes before %q", first, second)
		}
		p.CheckClean(t)
		m.CheckClean(t)
	})

	t.Run("chart downloads", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		dir := t.TempDir()
		p.AllowDownloads(t, dir)
		p.Open(t, ln.base+"/", "#hashprice-usd")
		p.WaitJS(t, 20*time.Second, `document.querySelector("#chart-hashrate canvas")`)
		p.Run(t, 10*time.Second, chromedp.Click(`#chart-hashrate button[aria-label$="CSV"]`, chromedp.ByQuery))
		rows, err := csv.NewReader(strings.NewReader(string(browsertest.WaitFile(t, dir, "chart-hashrate.csv", 10*time.Second)))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var hist struct {
			History []struct {
				Day        string  `json:"day"`
				HashrateHs float64 `json:"hashrate_hs"`
			} `json:"history"`
		}
		apiJSON(t, ln.base+"/api/v1/hashrate/history?interval=day", &hist)
		if len(rows) != len(hist.History)+1 || rows[0][0] != "day" || !strings.HasPrefix(rows[0][1], "hashrate_") {
			t.Fatalf("CSV %v, API %d days", rows, len(hist.History))
		}
		// Regtest hashrate is under 1 kH/s, so the chart's unit is H/s and
		// the CSV holds the API's numbers unscaled.
		for i, h := range hist.History {
			v, _ := strconv.ParseFloat(rows[i+1][1], 64)
			d, _ := time.Parse(time.RFC3339, h.Day)
			if v != h.HashrateHs || !strings.HasPrefix(rows[i+1][0], d.UTC().Format("2006-01-02")) {
				t.Errorf("CSV row %v, API %s %v", rows[i+1], h.Day, h.HashrateHs)
			}
		}
		// Hover read-out: the mouse over the plot puts that day's value in
		// the legend.
		legend := `document.querySelector("#chart-hashrate .u-legend .u-series:nth-child(2) .u-value").textContent`
		var before string
		p.Eval(t, legend, &before)
		if before != "–" {
			t.Errorf("legend shows %q before any hover", before)
		}
		var box struct{ X, Y float64 }
		p.Eval(t, `(() => { const r = document.querySelector("#chart-hashrate .u-over").getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`, &box)
		p.Run(t, 5*time.Second, chromedp.MouseEvent(input.MouseMoved, box.X, box.Y))
		p.WaitJS(t, 5*time.Second, legend+` !== "–"`)
		p.Run(t, 10*time.Second, chromedp.Click(`#chart-hashrate button[aria-label$="PNG"]`, chromedp.ByQuery))
		img, err := png.Decode(bytes.NewReader(browsertest.WaitFile(t, dir, "chart-hashrate.png", 10*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.CheckNotBlank(t, "chart-hashrate.png", img)
		p.CheckClean(t)
	})

	t.Run("dark", func(t *testing.T) {
		for _, pg := range []string{"/", "/machines"} {
			p := b.NewPage(t, 390, 844)
			p.Dark(t)
			p.Open(t, ln.base+pg, "main h1")
			p.WaitJS(t, 20*time.Second, loaded+` && document.querySelector("canvas")`)
			var bg string
			p.Eval(t, `getComputedStyle(document.body).backgroundColor`, &bg)
			if bg != "rgb(15, 20, 25)" {
				t.Errorf("%s in dark mode: body background %s", pg, bg)
			}
			name := "dark-" + strings.Trim(strings.ReplaceAll(pg, "/", ""), "-")
			if pg == "/" {
				name = "dark-network"
			}
			checkPage(t, p, out, name+"-390")
		}
	})

	t.Run("new block without reload", func(t *testing.T) {
		p := b.NewPage(t, 1440, 900)
		p.Open(t, ln.base+"/", "#hashprice-usd")
		p.WaitJS(t, 20*time.Second, loaded)
		p.Eval(t, `window.notReloaded = true`, nil)
		btcdtest.Mine(t, ln.node, 1, btcdtest.ExponentialIntervals(rand.New(rand.NewPCG(3, 4))))
		want := int64(tip) + 1
		p.WaitJS(t, 20*time.Second, fmt.Sprintf(`document.getElementById("as-of").dataset.height === "%d" && Number(document.body.dataset.height) === %d`, want, want))
		var same bool
		p.Eval(t, `window.notReloaded === true`, &same)
		if !same {
			t.Error("the page reloaded to show the new block")
		}
		checkNetworkNumbers(t, p, ln.base)
		p.CheckClean(t)
	})

	// Last: it stops the node. No new block comes, so no event; the header
	// still turns amber once serve marks the state stale.
	t.Run("stale when the node goes away", func(t *testing.T) {
		p := b.NewPage(t, 390, 844)
		p.Open(t, ln.base+"/", "#hashprice-usd")
		p.WaitJS(t, 20*time.Second, loaded)
		var amber bool
		p.Eval(t, `document.getElementById("bar").classList.contains("stale")`, &amber)
		if amber {
			t.Fatal("the header is amber while the node answers")
		}
		ln.node.TearDown()
		p.WaitJS(t, 30*time.Second, `document.getElementById("bar").classList.contains("stale") && document.getElementById("staleness").textContent.startsWith("STALE")`)
		browsertest.CheckNotBlank(t, "network-stale-390", p.Screenshot(t, out, "network-stale-390"))
		p.CheckClean(t)
	})
}

// checkHashpriceChart: the hashprice chart plots the API's history,
// point for point, over the page's default 1-year range.
func checkHashpriceChart(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	var h struct {
		History []struct {
			USD float64 `json:"hashprice_usd_per_ph_day"`
		} `json:"history"`
	}
	apiJSON(t, base+"/api/v1/hashprice/history?interval=day", &h)
	var data [][]float64
	p.Eval(t, `hf.charts["chart-hashprice"].u.data`, &data)
	if len(data) != 2 || len(h.History) == 0 || len(data[1]) != len(h.History) {
		t.Fatalf("hashprice chart %d series, API %d days", len(data)-1, len(h.History))
	}
	for i, r := range h.History {
		if data[1][i] != r.USD {
			t.Errorf("day %d: plotted %v, API %v", i, data[1][i], r.USD)
		}
	}
}

// checkDrops: the biggest-drops table shows the rows of serve's own
// /api/v1/difficulty/history?largest_drops=10, in rank order, and the
// section is hidden exactly when there are none (or the endpoint answers
// 503).
func checkDrops(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	p.WaitJS(t, 10*time.Second, `document.getElementById("drops-section").dataset.rows !== undefined`)
	code, m := getJSON(t, base+"/api/v1/difficulty/history?largest_drops=10")
	var want []map[string]any
	if code == 200 {
		rows, _ := m["rows"].([]any)
		for _, r := range rows {
			want = append(want, r.(map[string]any))
		}
	} else if code != 503 {
		t.Fatalf("difficulty history answered %d", code)
	}
	t.Logf("difficulty history: HTTP %d, %d ranked drops", code, len(want))
	var hidden bool
	p.Eval(t, `document.getElementById("drops-section").hidden`, &hidden)
	if hidden != (len(want) == 0) {
		t.Errorf("drops section hidden=%v with %d ranked drops from the API (HTTP %d)", hidden, len(want), code)
	}
	var got []float64
	p.Eval(t, `[...document.querySelectorAll("#drops-table tbody tr td:nth-child(4)")].map((td) => Number(td.dataset.value))`, &got)
	if len(want) > 0 && len(got) != len(want) {
		t.Fatalf("drops table has %d rows, the API %d", len(got), len(want))
	}
	for i := range got {
		if i < len(want) && got[i] != want[i]["change_pct"].(float64) {
			t.Errorf("drop %d: page %v%%, API %v%%", i+1, got[i], want[i]["change_pct"])
		}
	}
}

// checkDoubleSpend: the double-spend table shows /api/v1/security's
// confirmations and costs, one row per attacker share.
func checkDoubleSpend(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	p.WaitJS(t, 10*time.Second, `document.getElementById("ds-section").dataset.rows !== undefined`)
	var api struct {
		DoubleSpend []struct {
			Share         float64 `json:"attacker_share"`
			Confirmations float64 `json:"confirmations_needed"`
			BuildUSD      float64 `json:"build_total_usd"`
		} `json:"double_spend"`
	}
	apiJSON(t, base+"/api/v1/security", &api)
	var page [][]float64
	p.Eval(t, `[...document.querySelectorAll("#ds-table tbody tr")].map((tr) => [1, 2, 4].map((i) => Number(tr.querySelector("td:nth-child(" + i + ")").dataset.value)))`, &page)
	if len(api.DoubleSpend) != 3 || len(page) != len(api.DoubleSpend) {
		t.Fatalf("double-spend table has %d rows, the API %d (want 3 shares)", len(page), len(api.DoubleSpend))
	}
	for i, r := range api.DoubleSpend {
		if want := []float64{r.Share, r.Confirmations, r.BuildUSD}; page[i][0] != want[0] || page[i][1] != want[1] || page[i][2] != want[2] || want[1] == 0 {
			t.Errorf("double-spend row %d: page %v, API %v", i, page[i], want)
		}
	}
	if s := p.Text(t, "#ds-note"); !strings.Contains(s, "ASSUMED") {
		t.Errorf("double-spend note %q does not name the ASSUMED inputs", s)
	}
}

// checkPoolShares: the shares-over-time chart plots one point per bucket
// of /api/v1/pools/history (30 days by day at the default window), and
// its series add up to 100% in every bucket.
func checkPoolShares(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	p.WaitJS(t, 10*time.Second, `hf.charts["chart-pool-shares"]`)
	var h struct {
		History []struct {
			Start string `json:"start"`
		} `json:"history"`
	}
	apiJSON(t, base+"/api/v1/pools/history?days=30&interval=day", &h)
	var data [][]float64
	p.Eval(t, `hf.charts["chart-pool-shares"].u.data`, &data)
	if len(data) < 2 || len(data[0]) != len(h.History) || len(h.History) == 0 {
		t.Fatalf("pool shares chart: %d series of %d points, API %d buckets", len(data)-1, len(data[0]), len(h.History))
	}
	for i, hb := range h.History {
		d, _ := time.Parse(time.RFC3339, hb.Start)
		sum := 0.0
		for _, s := range data[1:] {
			sum += s[i]
		}
		if data[0][i] != float64(d.Unix()) || math.Abs(sum-100) > 1e-9 {
			t.Errorf("bucket %s: x %v, shares add to %v%%", hb.Start, data[0][i], sum)
		}
	}
}

// checkRetargetCDF: the next-retarget CDF plots the API's 21 change
// quantiles when they spread, and is hidden when they do not.
func checkRetargetCDF(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	var nr struct {
		Change []struct {
			Q         float64 `json:"q"`
			ChangePct float64 `json:"change_pct"`
		} `json:"change_quantiles_pct"`
	}
	apiJSON(t, base+"/api/v1/nextretarget", &nr)
	if len(nr.Change) != 21 {
		t.Fatalf("%d change quantiles", len(nr.Change))
	}
	spread := nr.Change[20].ChangePct > nr.Change[0].ChangePct
	var hidden bool
	p.Eval(t, `document.getElementById("chart-retarget-cdf").hidden`, &hidden)
	t.Logf("next retarget change quantiles %g%% .. %g%%; CDF hidden=%v", nr.Change[0].ChangePct, nr.Change[20].ChangePct, hidden)
	if hidden == spread {
		t.Fatalf("CDF hidden=%v with quantiles spreading=%v", hidden, spread)
	}
	if !spread {
		return
	}
	var data [][]float64
	p.Eval(t, `hf.charts["chart-retarget-cdf"].u.data`, &data)
	if len(data) != 2 || len(data[0]) != 21 {
		t.Fatalf("CDF data %v", data)
	}
	for i, c := range nr.Change {
		if data[0][i] != c.ChangePct || data[1][i] != c.Q {
			t.Errorf("CDF point %d: (%v, %v), API (%v, %v)", i, data[0][i], data[1][i], c.ChangePct, c.Q)
		}
	}
}

// checkNetworkNumbers compares the Network page's big numbers with the API.
func checkNetworkNumbers(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	var hp struct {
		USD   float64 `json:"usd_per_ph_day"`
		BTC   float64 `json:"btc_per_ph_day"`
		Price float64 `json:"price_usd"`
	}
	var hr struct {
		Hs, Lo, Hi, Core float64
	}
	var hrRaw map[string]float64
	var net struct {
		Difficulty float64 `json:"difficulty"`
	}
	var nr struct {
		P50 float64 `json:"change_p50_pct"`
	}
	apiJSON(t, base+"/api/v1/hashprice", &hp)
	apiJSON(t, base+"/api/v1/network", &net)
	apiJSON(t, base+"/api/v1/nextretarget", &nr)
	resp, err := http.Get(base + "/api/v1/hashrate")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	hrRaw = map[string]float64{}
	for k, v := range m {
		if f, ok := v.(float64); ok {
			hrRaw[k] = f
		}
	}
	hr.Hs, hr.Lo, hr.Hi, hr.Core = hrRaw["hashrate_hs"], hrRaw["ci_low_hs"], hrRaw["ci_high_hs"], hrRaw["getnetworkhashps_hs"]
	for _, c := range []struct {
		sel, attr string
		want      float64
	}{
		{"#hashprice-usd", "data-value", hp.USD},
		{"#hashprice-btc", "data-value", hp.BTC},
		{"#price", "data-value", hp.Price},
		{"#hashrate", "data-value", hr.Hs},
		{"#hashrate-ci", "data-value", hr.Lo},
		{"#hashrate-ci", "data-high", hr.Hi},
		{"#hashrate-core", "data-value", hr.Core},
		{"#difficulty", "data-value", net.Difficulty},
		{"#retarget-change", "data-value", nr.P50},
	} {
		if got := domValue(t, p, c.sel, c.attr); got != c.want || c.want == 0 {
			t.Errorf("%s %s: page %v, API %v", c.sel, c.attr, got, c.want)
		}
	}
	// The text shown is the same number, rounded.
	s := p.Text(t, "#hashprice-usd")
	shown, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "", " /PH/day", "").Replace(s), 64)
	if err != nil || math.Abs(shown-hp.USD) > 0.005*math.Abs(hp.USD) {
		t.Errorf("hashprice shown as %q, API %v", s, hp.USD)
	}
}

// checkHashrateSeries: the hashrate chart draws the 95% band and Core's
// estimator exactly when the history endpoint carries them.
func checkHashrateSeries(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	var h struct {
		History []map[string]any `json:"history"`
	}
	apiJSON(t, base+"/api/v1/hashrate/history?interval=day", &h)
	if len(h.History) == 0 {
		t.Fatal("no hashrate history")
	}
	// serve computes both for every day of the live harness's chain, so
	// the page must draw x, the unbiased estimate, the band's two edges
	// and Core's estimator.
	for _, k := range []string{"ci_low_hs", "ci_high_hs", "getnetworkhashps_hs"} {
		if _, ok := h.History[len(h.History)-1][k]; !ok {
			t.Errorf("hashrate history's last day lacks %s", k)
		}
	}
	var data [][]*float64
	p.Eval(t, `hf.charts["chart-hashrate"].u.data`, &data)
	if len(data) != 5 {
		t.Fatalf("hashrate chart has %d series, want 5 (x, estimate, 95%% high and low, Core)", len(data))
	}
	// The plotted values are the API's in one unit: the same factor for
	// the estimate, the band and Core's series.
	n := len(data[1])
	if n == 0 || n > len(h.History) || data[1][n-1] == nil {
		t.Fatalf("%d points plotted for %d days", n, len(h.History))
	}
	rows := h.History[len(h.History)-n:]
	scale := *data[1][n-1] / rows[n-1]["hashrate_hs"].(float64)
	for i, r := range rows {
		for j, k := range map[int]string{2: "ci_high_hs", 3: "ci_low_hs", 4: "getnetworkhashps_hs"} {
			v, ok := r[k].(float64)
			if !ok {
				if data[j][i] != nil {
					t.Errorf("day %v: %s plotted without an API value", r["day"], k)
				}
				continue
			}
			if data[j][i] == nil || math.Abs(*data[j][i]-v*scale) > 1e-9*math.Abs(v*scale) {
				t.Errorf("day %v: %s plotted %v, API %g × %g", r["day"], k, data[j][i], v, scale)
			}
		}
	}
}

func poolsNakamoto(t *testing.T, base string) float64 {
	var p struct {
		N float64 `json:"nakamoto_coefficient"`
	}
	apiJSON(t, base+"/api/v1/pools?days=7", &p)
	return p.N
}

type machineRow struct {
	Power, Profit, Shutdown float64
	Under                   bool
}

func machineRows(t *testing.T, p *browsertest.Page) map[string]machineRow {
	t.Helper()
	var rows []struct {
		Model                   string
		Power, Profit, Shutdown float64
		Under                   bool
	}
	// Cells by their column's data-key, whatever the column order.
	p.Eval(t, `(() => {
		const col = Object.fromEntries([...document.querySelectorAll("#machines-table thead th")].map((th, i) => [th.dataset.key, i]));
		return [...document.querySelectorAll("#machines-table tbody tr")].map(tr => ({
			Model: tr.cells[col.model].textContent, Power: +tr.cells[col.power_usd_day].dataset.value,
			Profit: +tr.cells[col.profit_usd_day].dataset.value, Shutdown: +tr.cells[col.shutdown_price_usd].dataset.value,
			Under: tr.classList.contains("underwater")}));
	})()`, &rows)
	out := map[string]machineRow{}
	for _, r := range rows {
		out[r.Model] = machineRow{r.Power, r.Profit, r.Shutdown, r.Under}
	}
	return out
}

// checkMachines compares the table with the API at the same inputs: every
// model, its power cost, profit and shutdown price, and the underwater mark.
func checkMachines(t *testing.T, got map[string]machineRow, url string) {
	t.Helper()
	var m struct {
		Machines []struct {
			Model    string  `json:"model"`
			Power    float64 `json:"power_usd_day"`
			Profit   float64 `json:"profit_usd_day"`
			Shutdown float64 `json:"shutdown_price_usd"`
		} `json:"machines"`
	}
	apiJSON(t, url, &m)
	if len(got) != len(m.Machines) || len(got) == 0 {
		t.Fatalf("table has %d models, API %d", len(got), len(m.Machines))
	}
	for _, w := range m.Machines {
		g, ok := got[w.Model]
		if !ok {
			t.Errorf("%s missing from the table", w.Model)
			continue
		}
		if g.Power != w.Power || g.Profit != w.Profit || g.Shutdown != w.Shutdown || g.Under != (w.Profit < 0) {
			t.Errorf("%s: table %+v, API power %v profit %v shutdown %v", w.Model, g, w.Power, w.Profit, w.Shutdown)
		}
	}
}

// With no node, the pages show the embedded SNAPSHOT, labelled so, with
// the header amber (a snapshot is stale by definition).
func TestDashboardSnapshotInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := New(Config{Web: web.Handler()})
	s.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	p := b.NewPage(t, 1440, 900)
	// The SNAPSHOT has no blocks: those measures answer 503, and the page says so.
	p.Allow(`HTTP 503 `)
	p.Open(t, srv.URL+"/", "#hashprice-usd")
	p.WaitJS(t, 20*time.Second, `Number(document.body.dataset.refreshes) >= 1`)
	if src := p.Text(t, "#source"); !strings.Contains(src, "SNAPSHOT") {
		t.Errorf("source label %q, want SNAPSHOT", src)
	}
	var amber bool
	p.Eval(t, `document.getElementById("bar").classList.contains("stale")`, &amber)
	if !amber {
		t.Error("a SNAPSHOT header is not marked stale")
	}
	var hp struct {
		USD float64 `json:"usd_per_ph_day"`
	}
	apiJSON(t, srv.URL+"/api/v1/hashprice", &hp)
	if got := domValue(t, p, "#hashprice-usd", "data-value"); got != hp.USD || math.IsNaN(got) {
		t.Errorf("hashprice on the page %v, API %v", got, hp.USD)
	}
	out := browsertest.OutDir(t)
	browsertest.CheckNotBlank(t, "network-snapshot-1440", p.Screenshot(t, out, "network-snapshot-1440"))
	p.CheckNoHorizontalOverflow(t)
	p.CheckClean(t)

	m := b.NewPage(t, 390, 844)
	m.Open(t, srv.URL+"/machines", "#machines-table")
	m.WaitJS(t, 20*time.Second, `document.querySelectorAll("#machines-table tbody tr.underwater").length > 0`)
	checkMachines(t, machineRows(t, m), srv.URL+"/api/v1/machines")
	browsertest.CheckNotBlank(t, "machines-snapshot-390", m.Screenshot(t, out, "machines-snapshot-390"))
	m.CheckNoHorizontalOverflow(t)
	m.CheckClean(t)
}

// serve as `hashfall serve --fleet examples/fleet.yaml` runs it (SNAPSHOT
// network), with one alert rule that fires at once: the Fleet page shows
// the API's totals and switch-off list, the Alerts page the firing alert.
func TestDashboardFleetAndAlertsInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	cfg := &FileConfig{Alerts: AlertsConfig{Rules: []alert.Rule{{Name: "hashprice-under-1000", Kind: "hashprice_below", Threshold: 1000}}}}
	base := runUntilCleanup(t, RunOptions{FleetPath: "../examples/fleet.yaml", Config: cfg, Web: web.Handler()})
	out := browsertest.OutDir(t)
	// Ready fires when the listener is up; the first state may come later
	// on a loaded machine.
	waitFor(t, "ready", 30*time.Second, func() bool { c, _ := getJSON(t, base+"/readyz"); return c == 200 })

	var st struct {
		Groups []struct {
			Count     int  `json:"count"`
			SwitchOff bool `json:"switch_off"`
		} `json:"groups"`
		Totals struct {
			Profit    float64 `json:"profit_usd_day"`
			Breakeven float64 `json:"breakeven_price_usd"`
		} `json:"totals"`
	}
	apiJSON(t, base+"/api/v1/fleet/status", &st)
	off := 0
	for _, g := range st.Groups {
		if g.SwitchOff {
			off += g.Count
		}
	}
	for _, sz := range dashboardWidths {
		p := b.NewPage(t, sz.w, sz.h)
		p.Allow(`HTTP 503 `) // the SNAPSHOT has no blocks for the measures that need them
		p.Allow(`HTTP 404 .*/api/v1/fleet/curtail/now$`)
		p.Open(t, base+"/fleet", "main h1")
		p.WaitJS(t, 20*time.Second, `document.querySelectorAll("#fleet-groups tbody tr").length > 0`)
		if got := domValue(t, p, "#fleet-profit", "data-value"); got != st.Totals.Profit {
			t.Errorf("fleet profit on the page %v, API %v", got, st.Totals.Profit)
		}
		if got := domValue(t, p, "#fleet-breakeven", "data-value"); got != st.Totals.Breakeven {
			t.Errorf("fleet breakeven on the page %v, API %v", got, st.Totals.Breakeven)
		}
		if got := domValue(t, p, "#fleet-switch-off", "data-value"); got != float64(off) || off == 0 {
			t.Errorf("switch off %v machines on the page, API %d", got, off)
		}
		var rows int
		p.Eval(t, `document.querySelectorAll("#fleet-groups tbody tr").length`, &rows)
		if rows != len(st.Groups) {
			t.Errorf("%d group rows, API %d", rows, len(st.Groups))
		}
		checkPage(t, p, out, fmt.Sprintf("fleet-with-fleet-%d", sz.w))

		a := b.NewPage(t, sz.w, sz.h)
		a.Open(t, base+"/alerts", "main h1")
		a.WaitJS(t, 20*time.Second, `document.querySelectorAll("#alerts-table tbody tr").length > 0`)
		if s := a.Text(t, "#alerts-table tbody tr td"); s != "hashprice-under-1000" {
			t.Errorf("first alert row names %q", s)
		}
		// The rules in force, as /api/v1/alerts lists them.
		var rules []string
		a.Eval(t, `[...document.querySelectorAll("#rules-table tbody tr")].map((tr) => tr.cells[0].textContent + " " + tr.cells[2].dataset.value)`, &rules)
		if len(rules) != 1 || rules[0] != "hashprice-under-1000 1000" || a.Attr(t, "#rules-section", "data-rows") != "1" {
			t.Errorf("rules in force on the page: %q", rules)
		}
		checkPage(t, a, out, fmt.Sprintf("alerts-firing-%d", sz.w))
	}
}
