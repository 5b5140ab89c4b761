package power

import (
	"fmt"
	"time"
)

// LiveInputs are what a live decision is made from.
type LiveInputs struct {
	Prices    Series
	PriceAsOf time.Time // when the price file was last updated
	// HashpriceUSDPerPHDay replaces every class's hashprice; HashpriceAsOf
	// is when it was observed.
	HashpriceUSDPerPHDay float64
	HashpriceAsOf        time.Time
	// MaxAge is how old either input may be before the safe state applies;
	// MaxHashpriceAge, when > 0, is the hashprice's own limit instead.
	MaxAge          time.Duration
	MaxHashpriceAge time.Duration
	// SafeState is the point name a class takes when inputs are stale or
	// missing; "" or "off" means off. A class lacking that point goes off.
	SafeState string
	// Ahead is how many intervals after the current one to decide.
	Ahead int
	// PeakProbability and DemandResponseUSDPerMWh, when set, are aligned
	// with Prices (see Market); TransmissionUSDPerKWYear prices the peaks.
	PeakProbability          []float64
	DemandResponseUSDPerMWh  []float64
	TransmissionUSDPerKWYear float64
}

// Decision is one class's state for one interval, with the inputs it
// was made from so a control system can audit it.
type Decision struct {
	Class                string    `json:"class"`
	IntervalID           string    `json:"interval_id"` // UTC start, RFC 3339: the same interval always has the same id
	IntervalStart        time.Time `json:"interval_start"`
	Point                string    `json:"point"` // "off" or an operating point's name
	SafeState            bool      `json:"safe_state"`
	Reason               string    `json:"reason"`
	PriceUSDPerMWh       float64   `json:"price_usd_per_mwh"`
	StrikeUSDPerMWh      float64   `json:"strike_usd_per_mwh"` // at the class's flat-out point
	HashpriceUSDPerPHDay float64   `json:"hashprice_usd_per_ph_day"`
	PriceAsOf            time.Time `json:"price_as_of"`
	HashpriceAsOf        time.Time `json:"hashprice_as_of"`
}

// Decide returns, for each class, the decision for the interval holding
// now and the next in.Ahead intervals (class-major order). Decisions
// come from Optimise over the known prices from the current interval on,
// at the live hashprice, the classes taken as free to switch at the
// current interval. A price or hashprice older than MaxAge, or an
// interval with no price, never runs on stale data: it gets the safe
// state, with the reason.
func Decide(classes []Class, in LiveInputs, now time.Time) ([]Decision, error) {
	if in.Prices.Step <= 0 || in.Ahead < 0 || in.MaxAge <= 0 {
		return nil, fmt.Errorf("decide: need a price step, Ahead ≥ 0 and MaxAge > 0")
	}
	live := make([]Class, len(classes))
	for k, c := range classes {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		c.HashpriceUSDPerPHDay = in.HashpriceUSDPerPHDay
		live[k] = c
	}
	hpMax := in.MaxAge
	if in.MaxHashpriceAge > 0 {
		hpMax = in.MaxHashpriceAge
	}
	stale := ""
	switch {
	case now.Sub(in.PriceAsOf) > in.MaxAge:
		stale = fmt.Sprintf("price stale: as of %s, older than %s", in.PriceAsOf.UTC().Format(time.RFC3339), in.MaxAge)
	case now.Sub(in.HashpriceAsOf) > hpMax:
		stale = fmt.Sprintf("hashprice stale: as of %s, older than %s", in.HashpriceAsOf.UTC().Format(time.RFC3339), hpMax)
	case !(in.HashpriceUSDPerPHDay > 0):
		stale = "no hashprice"
	}
	// The current interval on the series' grid, even outside it.
	cur := int((now.Sub(in.Prices.Start)) / in.Prices.Step)
	if now.Before(in.Prices.Start) {
		cur = -int((in.Prices.Start.Sub(now) + in.Prices.Step - 1) / in.Prices.Step)
	}
	n := len(in.Prices.USDPerMWh)
	var plan [][]int
	if stale == "" && cur >= 0 && cur < n {
		m := &Market{Prices: Series{Start: in.Prices.At(cur), Step: in.Prices.Step, USDPerMWh: in.Prices.USDPerMWh[cur:]},
			TransmissionUSDPerKWYear: in.TransmissionUSDPerKWYear}
		if in.PeakProbability != nil {
			if len(in.PeakProbability) != n {
				return nil, fmt.Errorf("decide: %d peak probabilities for %d prices", len(in.PeakProbability), n)
			}
			m.PeakProbability = in.PeakProbability[cur:]
		}
		if in.DemandResponseUSDPerMWh != nil {
			if len(in.DemandResponseUSDPerMWh) != n {
				return nil, fmt.Errorf("decide: %d demand-response credits for %d prices", len(in.DemandResponseUSDPerMWh), n)
			}
			m.DemandResponseUSDPerMWh = in.DemandResponseUSDPerMWh[cur:]
		}
		sch, err := Optimise(live, m)
		if err != nil {
			return nil, err
		}
		plan = sch.Points
	}
	var out []Decision
	for k, c := range live {
		for a := 0; a <= in.Ahead; a++ {
			i := cur + a
			start := in.Prices.At(i)
			d := Decision{Class: c.Name, IntervalID: start.UTC().Format(time.RFC3339), IntervalStart: start.UTC(),
				StrikeUSDPerMWh: c.StrikeUSDPerMWh(c.FlatOut), HashpriceUSDPerPHDay: in.HashpriceUSDPerPHDay,
				PriceAsOf: in.PriceAsOf.UTC(), HashpriceAsOf: in.HashpriceAsOf.UTC()}
			switch {
			case stale != "":
				d.Reason = stale
			case i < 0 || i >= n:
				d.Reason = "no price for this interval"
			}
			if i >= 0 && i < n {
				d.PriceUSDPerMWh = in.Prices.USDPerMWh[i]
			}
			if d.Reason != "" {
				d.SafeState = true
				d.Point = safePoint(c, in.SafeState)
			} else {
				d.Point, d.Reason = "off", "optimal schedule"
				if j := plan[k][i-cur]; j >= 0 {
					d.Point = c.Points[j].Name
				}
			}
			out = append(out, d)
		}
	}
	return out, nil
}

func safePoint(c Class, safe string) string {
	for _, p := range c.Points {
		if safe != "" && safe != "off" && p.Name == safe {
			return safe
		}
	}
	return "off"
}
