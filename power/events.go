package power

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// FourCPRule returns per-interval 4CP peak probabilities from the rule
// "each month June–September has one peak, equally likely in any interval
// starting on a weekday 15:00–18:00 Central": p = 1/N_month for the N_month
// window intervals of that month in the series, 0 elsewhere. It is a
// uniform prior, ASSUMED, for when no peak forecast is at hand; months
// the series covers only in part still spread the whole peak over the
// window intervals present.
func FourCPRule(s Series) []float64 {
	p := make([]float64, len(s.USDPerMWh))
	perMonth := map[time.Month][]int{}
	for i := range p {
		t := s.At(i).In(Central)
		if t.Month() < time.June || t.Month() > time.September || t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			continue
		}
		if h := t.Hour(); h >= 15 && h < 18 {
			key := t.Month() + time.Month(12*(t.Year()-2000))
			perMonth[key] = append(perMonth[key], i)
		}
	}
	for _, idx := range perMonth {
		for _, i := range idx {
			p[i] = 1 / float64(len(idx))
		}
	}
	return p
}

// AlignProbabilities maps a probability series (a timestamp,probability
// CSV read with ParseCSV) onto the price intervals: each price interval
// takes the probability of the interval holding its start, 0 outside
// the file. Values must lie in [0, 1].
func AlignProbabilities(prices, probs Series) ([]float64, error) {
	for i, v := range probs.USDPerMWh {
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("interval %s: probability %g outside [0, 1]", probs.At(i).Format(time.RFC3339), v)
		}
	}
	out := make([]float64, len(prices.USDPerMWh))
	for i := range out {
		if j, ok := probs.Index(prices.At(i)); ok {
			out[i] = probs.USDPerMWh[j]
		}
	}
	return out, nil
}

// DREvent is a called demand-response event: from Start to End (UTC)
// every MWh not drawn is paid CreditUSDPerMWh.
type DREvent struct {
	Start, End      time.Time
	CreditUSDPerMWh float64
}

// ParseDREvents reads "start,end,usd_per_mwh" rows (RFC 3339, or local
// "YYYY-MM-DD HH:MM" in loc). A header, blank and '#' lines are skipped.
// Errors name the line.
func ParseDREvents(r io.Reader, loc *time.Location) ([]DREvent, error) {
	if loc == nil {
		loc = time.UTC
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	var evs []DREvent
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want 3 fields (start,end,usd_per_mwh), got %d", line, len(f))
		}
		start, err1 := parseLocal(strings.TrimSpace(f[0]), loc)
		end, err2 := parseLocal(strings.TrimSpace(f[1]), loc)
		if err1 != nil || err2 != nil {
			if len(evs) == 0 && line == 1 {
				continue // header
			}
			return nil, fmt.Errorf("line %d: start and end must be RFC 3339 or YYYY-MM-DD HH:MM", line)
		}
		c, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
		if err != nil || !(c >= 0) || c > MaxAbsUSDPerMWh {
			return nil, fmt.Errorf("line %d: credit %q is not a USD/MWh from 0 to 1e6", line, strings.TrimSpace(f[2]))
		}
		if !end.After(start) {
			return nil, fmt.Errorf("line %d: end is not after start", line)
		}
		if len(evs) >= maxRows {
			return nil, fmt.Errorf("line %d: more than %d events", line, maxRows)
		}
		evs = append(evs, DREvent{Start: start, End: end, CreditUSDPerMWh: c})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	return evs, nil
}

// DRCredits gives each price interval the credit of the events covering
// its start (overlapping events add).
func DRCredits(s Series, evs []DREvent) []float64 {
	out := make([]float64, len(s.USDPerMWh))
	for _, e := range evs {
		i0, _ := s.Index(e.Start)
		if e.Start.Before(s.Start) {
			i0 = 0
		}
		for i := i0; i < len(out) && s.At(i).Before(e.End); i++ {
			if !s.At(i).Before(e.Start) {
				out[i] += e.CreditUSDPerMWh
			}
		}
	}
	return out
}
