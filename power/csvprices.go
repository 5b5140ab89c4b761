package power

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// CSVOptions says how to read a generic "timestamp,price" file.
type CSVOptions struct {
	// Location interprets timestamps without a UTC offset; nil means UTC.
	Location *time.Location
	// Step is the fixed interval; 0 takes it from the first two rows.
	Step time.Duration
}

var csvLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15",
	"2006-01-02 15",
}

// ParseCSV reads "timestamp,usd_per_mwh" rows at a fixed step. A header
// row, blank lines and '#' lines are skipped ('#' lines are kept as
// Comments). Timestamps are RFC 3339 (their own offset wins) or
// "YYYY-MM-DD HH[:MM[:SS]]" in opt.Location. A local time that occurs
// twice (the repeated hour when clocks go back) is ambiguous and an
// error: give such files with offsets. Rows must be opt.Step apart, with
// no gaps or duplicates; errors name the line.
func ParseCSV(r io.Reader, opt CSVOptions) (Series, error) {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	var comments []string
	var pts []point
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" {
			continue
		}
		if c, ok := strings.CutPrefix(text, "#"); ok {
			if len(comments) < 100 {
				comments = append(comments, strings.TrimSpace(c))
			}
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 2 {
			return Series{}, fmt.Errorf("line %d: want 2 fields (timestamp,usd_per_mwh), got %d", line, len(fields))
		}
		ts := strings.Trim(strings.TrimSpace(fields[0]), `"`)
		ps := strings.Trim(strings.TrimSpace(fields[1]), `"`)
		t, err := parseLocal(ts, loc)
		if err != nil {
			if len(pts) == 0 {
				if _, perr := strconv.ParseFloat(ps, 64); perr != nil {
					continue // header row
				}
			}
			return Series{}, fmt.Errorf("line %d: timestamp %q: %v", line, ts, err)
		}
		p, err := strconv.ParseFloat(ps, 64)
		if err != nil || math.IsNaN(p) || math.IsInf(p, 0) {
			return Series{}, fmt.Errorf("line %d: price %q is not a finite number of USD/MWh", line, ps)
		}
		if len(pts) >= maxRows {
			return Series{}, fmt.Errorf("line %d: more than %d rows", line, maxRows)
		}
		if n := len(pts); n > 0 && !t.After(pts[n-1].at) {
			if t.Equal(pts[n-1].at) {
				return Series{}, fmt.Errorf("line %d: duplicate interval %s (also line %d)", line, t.Format(time.RFC3339), pts[n-1].line)
			}
			return Series{}, fmt.Errorf("line %d: %s is before the previous row %s", line, t.Format(time.RFC3339), pts[n-1].at.Format(time.RFC3339))
		}
		pts = append(pts, point{at: t, price: p, line: line})
	}
	if err := sc.Err(); err != nil {
		return Series{}, fmt.Errorf("line %d: %v", line+1, err)
	}
	step := opt.Step
	if step == 0 && len(pts) >= 2 {
		step = pts[1].at.Sub(pts[0].at)
	}
	if step <= 0 {
		if len(pts) == 1 {
			return Series{}, fmt.Errorf("one price row and no step: give the step")
		}
		return Series{}, fmt.Errorf("no price rows")
	}
	return assemble(pts, step, comments)
}

func parseLocal(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range csvLayouts[1:] {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		// Ambiguous if the same wall clock also names the instant an hour away.
		wall := t.Format("2006-01-02T15:04:05")
		for _, d := range []time.Duration{-time.Hour, time.Hour} {
			if t.Add(d).In(loc).Format("2006-01-02T15:04:05") == wall {
				return time.Time{}, fmt.Errorf("occurs twice in %s (clocks go back): give a UTC offset", loc)
			}
		}
		if t.Format(layout) != s {
			return time.Time{}, fmt.Errorf("does not exist in %s (clocks go forward)", loc)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("want RFC 3339 or YYYY-MM-DD HH:MM")
}
