package serve

import (
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// topPools bounds the pool-share series: the largest pools by blocks.
const topPools = 10

// promMetrics are the process's own series plus a collector that reads the
// current state at scrape time, so /metrics never disagrees with the API.
type promMetrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	stateBuilds  prometheus.Counter
	buildSeconds prometheus.Histogram
	failures     *prometheus.CounterVec
}

func newPromMetrics(s *Server) *promMetrics {
	reg := prometheus.NewRegistry()
	m := &promMetrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hashfall_http_requests_total",
			Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hashfall_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5}}, []string{"route"}),
		stateBuilds: prometheus.NewCounter(prometheus.CounterOpts{Name: "hashfall_state_builds_total",
			Help: "States computed (one per new block or price tick)."}),
		buildSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "hashfall_state_build_duration_seconds",
			Help: "Time to compute the state after a new block or price tick.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10)}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hashfall_source_failures_total",
			Help: "Failed attempts to reach a source: node (sync) or price."}, []string{"source"}),
	}
	m.failures.WithLabelValues("node")
	m.failures.WithLabelValues("price")
	version, goVersion := "devel", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{Name: "hashfall_build_info",
		Help:        "Always 1; labels name the build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": goVersion}})
	buildInfo.Set(1)
	reg.MustRegister(m.requests, m.latency, m.stateBuilds, m.buildSeconds, m.failures, buildInfo, stateCollector{s},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *promMetrics) observe(route string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// stateCollector exports the current state's figures.
type stateCollector struct{ s *Server }

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("hashfall_"+name, help, labels, nil)
}

var (
	descUp               = desc("state_info", "Always 1 once a state is computed; source is LIVE or SNAPSHOT.", "source", "chain")
	descHeight           = desc("tip_height", "Height of the block the state describes.")
	descTipTime          = desc("tip_timestamp_seconds", "Header time of the block the state describes, Unix seconds.")
	descStale            = desc("state_stale_seconds", "Seconds since the node last confirmed the state (for a SNAPSHOT, its age).")
	descBehind           = desc("sync_blocks_behind", "Blocks the store is behind the node's tip.")
	descDifficulty       = desc("difficulty", "Network difficulty of the tip's bits.")
	descHashrate         = desc("hashrate_hashes_per_second", "Network hashrate, H/s: estimator core (getnetworkhashps) or unbiased, with bound point, low or high (confidence interval).", "estimator", "bound")
	descHashpriceUSD     = desc("hashprice_usd_per_ph_day", "Expected revenue of 1 PH/s for one day, USD.")
	descHashpriceBTC     = desc("hashprice_btc_per_ph_day", "Expected revenue of 1 PH/s for one day, BTC.")
	descPrice            = desc("price_usd", "BTC price in USD the state uses.")
	descPriceAge         = desc("price_age_seconds", "Age of the BTC price the state uses.")
	descRetargetChange   = desc("next_retarget_change_ratio", "Forecast change of the next difficulty adjustment, as a ratio (0.05 = +5%), by percentile (5, 50, 95).", "percentile")
	descRetargetTime     = desc("next_retarget_timestamp_seconds", "Forecast time of the next difficulty adjustment, Unix seconds, by percentile (5, 50, 95).", "percentile")
	descRetargetHeight   = desc("next_retarget_height", "Height of the first block at the next difficulty.")
	descBudget           = desc("security_budget_usd_per_day", "What the network pays miners per day at the target block rate, USD.")
	descAttack           = desc("attack51_build_cost_usd", "Cost to build as much hashrate again as the network (hardware ASSUMED per TH plus a day's energy), USD.")
	descConfirmations    = desc("double_spend_confirmations", "Confirmations that keep a double spend's success probability under 0.1% (Rosenfeld) against an attacker with this share of the hashrate.", "attacker_share")
	descPowerGW          = desc("network_power_watts", "CBECI-style network power estimate, W, by bound.", "bound")
	descPoolShare        = desc("pool_share_ratio", "Share of the last 7 days' blocks by pool (top pools only), 0-1.", "pool")
	descNakamoto         = desc("nakamoto_coefficient", "Fewest identified pools with over half of the last 7 days' blocks.")
	descCapitulation     = desc("hash_ribbon_capitulation", "1 while the hash ribbons' 30-day SMA is below the 60-day SMA.")
	descSiteProfit       = desc("fleet_site_profit_usd_per_day", "Fleet site profit per day, USD.", "site")
	descModelUnderwater  = desc("fleet_machines_underwater", "Machines of a model whose power costs exceed their revenue.", "model")
	descFleetProfitTotal = desc("fleet_profit_usd_per_day", "Whole fleet profit per day, USD.")
)

func (c stateCollector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c stateCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.State()
	if st == nil {
		return
	}
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	g(descUp, 1, st.Source, st.Network.Chain)
	g(descHeight, float64(st.AsOf.Height))
	g(descTipTime, float64(st.AsOf.Time.Unix()))
	g(descStale, float64(c.s.StaleS(st)))
	if tip := c.s.nodeTip.Load(); tip >= 0 && st.Source == SourceLive {
		g(descBehind, float64(max(0, tip-st.AsOf.Height)))
	}
	g(descDifficulty, st.Network.Difficulty)
	g(descHashpriceUSD, st.Hashprice.USDPerPHDay)
	g(descHashpriceBTC, st.Hashprice.BTCPerPHDay)
	g(descPrice, st.Price.USD)
	g(descPriceAge, max(0, c.s.cfg.Now().Sub(st.Price.Time).Seconds()))
	g(descBudget, st.Network.SecurityBudgetUSDPerDay)
	if h := st.Hashrate; h != nil {
		g(descHashrate, h.GetNetworkHashPSHs, "core", "point")
		g(descHashrate, h.HashrateHs, "unbiased", "point")
		g(descHashrate, h.CILowHs, "unbiased", "low")
		g(descHashrate, h.CIHighHs, "unbiased", "high")
	} else {
		g(descHashrate, st.Hashprice.ImpliedHashrateHs, "implied", "point")
	}
	if f := st.Retarget; f != nil {
		g(descRetargetHeight, float64(f.RetargetHeight))
		for _, q := range []struct {
			name   string
			change float64
			timeS  int64
		}{{"5", f.ChangeP5Pct, f.TimeP95S}, {"50", f.ChangeP50Pct, f.TimeP50S}, {"95", f.ChangeP95Pct, f.TimeP5S}} {
			g(descRetargetChange, q.change/100, q.name)
			g(descRetargetTime, float64(q.timeS), q.name)
		}
	}
	if sec := st.Security; sec != nil {
		g(descAttack, sec.BuildTotalUSD)
	}
	for _, r := range st.DoubleSpend {
		if r.ConfirmationsNeeded != nil {
			g(descConfirmations, float64(*r.ConfirmationsNeeded), strconv.FormatFloat(r.AttackerShare, 'g', -1, 64))
		}
	}
	if e := st.Energy; e != nil {
		g(descPowerGW, e.LowerGW*1e9, "lower")
		g(descPowerGW, e.BestGW*1e9, "best")
		g(descPowerGW, e.UpperGW*1e9, "upper")
	}
	if p := st.Pools; p != nil && p.Blocks > 0 {
		for i, sh := range p.Shares {
			if i >= topPools {
				break
			}
			g(descPoolShare, sh.SharePct/100, sh.Pool)
		}
		g(descNakamoto, float64(p.Nakamoto))
	}
	if sig := st.Signals; sig != nil {
		v := 0.0
		if sig.InCapitulation {
			v = 1
		}
		g(descCapitulation, v)
	}
	if f := st.Fleet; f != nil {
		for _, site := range f.Sites {
			g(descSiteProfit, site.ProfitUSDDay, site.Site)
		}
		under := map[string]float64{}
		for _, gr := range f.Groups {
			if _, ok := under[gr.Model]; !ok {
				under[gr.Model] = 0
			}
			if gr.ProfitUSDDay < 0 {
				under[gr.Model] += float64(gr.Count)
			}
		}
		for model, n := range under {
			g(descModelUnderwater, n, model)
		}
		g(descFleetProfitTotal, f.Totals.ProfitUSDDay)
	}
}
