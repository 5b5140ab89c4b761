package power

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // America/Chicago must resolve on machines without a zoneinfo database
)

// Central is ERCOT's Central Prevailing Time.
var Central = mustLoad("America/Chicago")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded; this cannot fail
	}
	return loc
}

// ercotLayout names the columns of one ERCOT file type.
type ercotLayout struct {
	date, hour, interval, point, price, dst string
	intervalsPerHour                        int
	hourIsClock                             bool // "01:00".."24:00" rather than 1..24
}

var (
	rtLayout = ercotLayout{date: "deliverydate", hour: "deliveryhour", interval: "deliveryinterval",
		point: "settlementpointname", price: "settlementpointprice", dst: "dstflag", intervalsPerHour: 4}
	damLayout = ercotLayout{date: "deliverydate", hour: "hourending",
		point: "settlementpoint", price: "settlementpointprice", dst: "dstflag", intervalsPerHour: 1, hourIsClock: true}
)

// ParseERCOTRealTime reads ERCOT's real-time settlement-point price file
// (columns DeliveryDate, DeliveryHour, DeliveryInterval,
// SettlementPointName, SettlementPointType, SettlementPointPrice, DSTFlag)
// and returns the 15-minute series of one settlement point.
//
// DeliveryDate is MM/DD/YYYY in Central Prevailing Time; DeliveryHour is
// hour-ending 1–24 and DeliveryInterval 1–4 the quarter within it. On the
// spring DST day hour-ending 3 does not exist (92 intervals); on the
// autumn day hour-ending 2 appears twice and the repeat has DSTFlag=Y
// (100 intervals); every other day has 96. Every day must be complete
// except the file's last, which may stop early (a file still growing).
func ParseERCOTRealTime(r io.Reader, settlementPoint string) (Series, error) {
	return parseERCOT(r, rtLayout, settlementPoint)
}

// ParseERCOTDayAhead reads ERCOT's day-ahead market settlement-point price
// file (DeliveryDate, HourEnding "01:00".."24:00", SettlementPoint,
// SettlementPointPrice, DSTFlag) and returns the hourly series of one
// settlement point: 23 hours on the spring DST day, 25 in autumn, 24
// otherwise.
func ParseERCOTDayAhead(r io.Reader, settlementPoint string) (Series, error) {
	return parseERCOT(r, damLayout, settlementPoint)
}

func parseERCOT(r io.Reader, lay ercotLayout, settlementPoint string) (Series, error) {
	want := strings.ToUpper(strings.TrimSpace(settlementPoint))
	if want == "" {
		return Series{}, fmt.Errorf("no settlement point given")
	}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	col := map[string]int{}
	var pts []point
	seen := map[string]bool{} // settlement points in the file, for the error
	type dayCount struct {
		n, lastLine int
	}
	days := map[time.Time]*dayCount{}
	step := time.Hour / time.Duration(lay.intervalsPerHour)
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Series{}, fmt.Errorf("line %d: %v", pe.Line, pe.Err)
			}
			return Series{}, err
		}
		line, _ := cr.FieldPos(0)
		if len(col) == 0 {
			for i, name := range rec {
				col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))] = i
			}
			for _, need := range []string{lay.date, lay.hour, lay.interval, lay.point, lay.price, lay.dst} {
				if _, ok := col[need]; need != "" && !ok {
					return Series{}, fmt.Errorf("line %d: header has no %s column", line, need)
				}
			}
			continue
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) < len(col) {
			return Series{}, fmt.Errorf("line %d: %d fields, header has %d", line, len(rec), len(col))
		}
		sp := strings.ToUpper(field(lay.point))
		if sp != want {
			if len(seen) < 1000 {
				seen[sp] = true
			}
			continue
		}
		// Only the selected point's rows are kept, so only they are bounded:
		// a file of every node streams through.
		if rows++; rows > maxRows {
			return Series{}, fmt.Errorf("line %d: more than %d rows for %s", line, maxRows, want)
		}
		day, err := time.ParseInLocation("01/02/2006", field(lay.date), Central)
		if err != nil {
			return Series{}, fmt.Errorf("line %d: %s %q: want MM/DD/YYYY", line, lay.date, field(lay.date))
		}
		he, err := parseHourEnding(field(lay.hour), lay.hourIsClock)
		if err != nil {
			return Series{}, fmt.Errorf("line %d: %s: %v", line, lay.hour, err)
		}
		quarter := 1
		if lay.interval != "" {
			quarter, err = strconv.Atoi(field(lay.interval))
			if err != nil || quarter < 1 || quarter > lay.intervalsPerHour {
				return Series{}, fmt.Errorf("line %d: %s %q: want 1..%d", line, lay.interval, field(lay.interval), lay.intervalsPerHour)
			}
		}
		repeated := false
		switch strings.ToUpper(field(lay.dst)) {
		case "Y":
			repeated = true
		case "N", "":
		default:
			return Series{}, fmt.Errorf("line %d: %s %q: want Y or N", line, lay.dst, field(lay.dst))
		}
		at, err := intervalStart(day, he, quarter, repeated, step)
		if err != nil {
			return Series{}, fmt.Errorf("line %d: %v", line, err)
		}
		ps := field(lay.price)
		p, err := strconv.ParseFloat(ps, 64)
		if err != nil || math.IsNaN(p) || math.IsInf(p, 0) {
			return Series{}, fmt.Errorf("line %d: price %q is not a finite number of USD/MWh", line, ps)
		}
		pts = append(pts, point{at: at, price: p, line: line})
		dc := days[day]
		if dc == nil {
			dc = &dayCount{}
			days[day] = dc
		}
		dc.n++
		dc.lastLine = line
	}
	if len(col) == 0 {
		return Series{}, fmt.Errorf("no header row")
	}
	if len(pts) == 0 {
		names := make([]string, 0, len(seen))
		for n := range seen {
			names = append(names, n)
		}
		sort.Strings(names)
		if len(names) > 8 {
			names = append(names[:8], "…")
		}
		if len(names) == 0 {
			return Series{}, fmt.Errorf("settlement point %s not in the file: the file has no price rows", want)
		}
		return Series{}, fmt.Errorf("settlement point %s not in the file; it has %s", want, strings.Join(names, ", "))
	}
	// Whole days: every day but the last must have all its intervals.
	var last time.Time
	for d := range days {
		if d.After(last) {
			last = d
		}
	}
	for d, dc := range days {
		n := intervalsInDay(d, step)
		if dc.n > n || (dc.n < n && !d.Equal(last)) {
			return Series{}, fmt.Errorf("line %d: %s has %d intervals for %s, want %d%s", dc.lastLine, d.Format("01/02/2006"), dc.n, want, n, dstNote(d))
		}
	}
	return assemble(pts, step, nil)
}

func dstNote(day time.Time) string {
	switch h := dayLength(day); {
	case h < 24*time.Hour:
		return " (spring DST day)"
	case h > 24*time.Hour:
		return " (autumn DST day)"
	}
	return ""
}

// dayLength is the real length of a Central day: 23 h, 24 h or 25 h.
func dayLength(day time.Time) time.Duration {
	next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, Central)
	return next.Sub(day)
}

func intervalsInDay(day time.Time, step time.Duration) int { return int(dayLength(day) / step) }

// parseHourEnding reads 1..24 or "01:00".."24:00".
func parseHourEnding(s string, clock bool) (int, error) {
	if clock {
		h, ok := strings.CutSuffix(s, ":00")
		if !ok {
			return 0, fmt.Errorf("%q: want HH:00, 01:00..24:00", s)
		}
		s = h
	}
	he, err := strconv.Atoi(s)
	if err != nil || he < 1 || he > 24 {
		return 0, fmt.Errorf("%q: want hour-ending 1..24", s)
	}
	return he, nil
}

// intervalStart maps a Central day, hour-ending he (1–24), quarter q and
// the DST flag to the UTC start of the interval. It counts real elapsed
// time from local midnight: (he−1) h + (q−1)·step, less an hour after the
// missing hour-ending 3 of the spring day, plus an hour for the repeated
// hour-ending 2 (DSTFlag=Y) and every hour after it on the autumn day.
func intervalStart(day time.Time, he, q int, repeated bool, step time.Duration) (time.Time, error) {
	elapsed := time.Duration(he-1)*time.Hour + time.Duration(q-1)*step
	switch dl := dayLength(day); {
	case dl < 24*time.Hour:
		if he == 3 {
			return time.Time{}, fmt.Errorf("hour-ending 3 does not exist on %s (spring DST day)", day.Format("01/02/2006"))
		}
		if he > 3 {
			elapsed -= time.Hour
		}
		if repeated {
			return time.Time{}, fmt.Errorf("DSTFlag=Y on %s, which repeats no hour", day.Format("01/02/2006"))
		}
	case dl > 24*time.Hour:
		if repeated && he != 2 {
			return time.Time{}, fmt.Errorf("DSTFlag=Y on hour-ending %d; only hour-ending 2 repeats", he)
		}
		if repeated || he > 2 {
			elapsed += time.Hour
		}
	default:
		if repeated {
			return time.Time{}, fmt.Errorf("DSTFlag=Y on %s, which repeats no hour", day.Format("01/02/2006"))
		}
	}
	return day.Add(elapsed).UTC(), nil
}
