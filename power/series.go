package power

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Series is a gap-free price series: interval i starts at
// Start + i·Step (UTC) and costs USDPerMWh[i] (may be negative).
type Series struct {
	Start     time.Time
	Step      time.Duration
	USDPerMWh []float64
	// Comments are the file's '#' lines, so a label such as SYNTHETIC or
	// "written from the documentation" travels with the data.
	Comments []string
	// FirstLine is the file line of interval 0, for errors about it.
	FirstLine int
}

// At returns the UTC start of interval i.
func (s Series) At(i int) time.Time { return s.Start.Add(time.Duration(i) * s.Step) }

// Hours returns the length of one interval in hours.
func (s Series) Hours() float64 { return s.Step.Hours() }

// Index returns the interval holding t, and whether it is inside the series.
func (s Series) Index(t time.Time) (int, bool) {
	if s.Step <= 0 || t.Before(s.Start) {
		return 0, false
	}
	i := int(t.Sub(s.Start) / s.Step)
	return i, i < len(s.USDPerMWh)
}

// MaxAbsUSDPerMWh bounds a price: ERCOT's offer cap is $5,000/MWh and no
// market clears near $1,000,000/MWh, so a larger figure is a corrupt file
// (and would overflow sums to Inf).
const MaxAbsUSDPerMWh = 1e6

// maxRows bounds a price file (about 28 years of 15-minute intervals),
// so a corrupt file cannot exhaust memory.
const maxRows = 1_000_000

// point is one parsed row: its interval start and the file line it came from.
type point struct {
	at    time.Time
	price float64
	line  int
}

// assemble sorts points by time and checks they are exactly step apart:
// a duplicate or a gap is an error naming the offending line.
func assemble(pts []point, step time.Duration, comments []string) (Series, error) {
	if len(pts) == 0 {
		return Series{}, fmt.Errorf("no price rows")
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].at.Before(pts[j].at) })
	s := Series{Start: pts[0].at, Step: step, USDPerMWh: make([]float64, len(pts)), Comments: comments, FirstLine: pts[0].line}
	for i, p := range pts {
		if math.Abs(p.price) > MaxAbsUSDPerMWh {
			return Series{}, fmt.Errorf("line %d: price %g USD/MWh is beyond ±%g", p.line, p.price, MaxAbsUSDPerMWh)
		}
		if i > 0 {
			prev := pts[i-1]
			switch d := p.at.Sub(prev.at); {
			case d == 0:
				return Series{}, fmt.Errorf("line %d: duplicate interval %s (also line %d)", p.line, p.at.Format(time.RFC3339), prev.line)
			case d != step:
				if d%step == 0 {
					return Series{}, fmt.Errorf("line %d: gap of %d intervals before %s (previous row line %d)", p.line, int(d/step)-1, p.at.Format(time.RFC3339), prev.line)
				}
				return Series{}, fmt.Errorf("line %d: %s is not a whole number of %s steps after line %d", p.line, p.at.Format(time.RFC3339), step, prev.line)
			}
		}
		s.USDPerMWh[i] = p.price
	}
	return s, nil
}
