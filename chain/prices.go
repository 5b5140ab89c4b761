package chain

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReadPricesCSV parses daily BTC/USD closes from a CSV file with a header
// row. It finds the date column (date, time, timestamp, snapped_at, day)
// and the close column (close, closing price, price, close (usd)…) by
// name, so the exports of Yahoo Finance, CoinGecko, CoinMarketCap,
// Investing.com, CoinDesk and a plain "date,close" all work. Commas or
// semicolons separate fields; prices may carry "$" and thousands
// separators. Dates may be ISO (2026-02-02, with or without a time),
// US (02/02/2026 or Feb 02, 2026) or Unix seconds/milliseconds. A day
// listed twice is an error naming both lines (two closes for one day mean
// a mixed or hourly export), and so is a close that is not a finite price
// in (0, MaxCloseUSD]. Any bad row fails the whole file, naming the line.
func ReadPricesCSV(r io.Reader) ([]Price, error) {
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("prices: line 1: %w", csvErr(err))
	}
	dateCol, closeCol := -1, -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case dateCol < 0 && (h == "date" || h == "time" || h == "timestamp" || h == "snapped_at" || h == "day" || strings.HasPrefix(h, "date") || h == "timeopen" || h == "time_open"):
			dateCol = i
		case h == "close" || strings.HasPrefix(h, "close ") || strings.HasPrefix(h, "close(") || h == "closing price" || strings.HasPrefix(h, "closing price"):
			closeCol = i
		case closeCol < 0 && (h == "price" || h == "close_usd" || h == "price_usd" || h == "value"):
			closeCol = i
		}
	}
	if dateCol < 0 || closeCol < 0 {
		return nil, fmt.Errorf("prices: line 1: need a date column and a close column, header is %q", strings.Join(header, ","))
	}
	byDay := map[int64]float64{}
	lineOf := map[int64]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("prices: %w", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if dateCol >= len(rec) || closeCol >= len(rec) {
			return nil, fmt.Errorf("prices: line %d: %d fields, want at least %d", line, len(rec), max(dateCol, closeCol)+1)
		}
		day, err := parseDay(rec[dateCol])
		if err != nil {
			return nil, fmt.Errorf("prices: line %d: %w", line, err)
		}
		usd, err := parseUSD(rec[closeCol])
		if err != nil {
			return nil, fmt.Errorf("prices: line %d: %w", line, err)
		}
		if first, dup := lineOf[day.Unix()]; dup {
			return nil, fmt.Errorf("prices: line %d: %s is listed twice, on lines %d and %d", line, day.Format(time.DateOnly), first, line)
		}
		byDay[day.Unix()] = usd
		lineOf[day.Unix()] = line
	}
	if len(byDay) == 0 {
		return nil, errors.New("prices: no rows after the header")
	}
	out := make([]Price, 0, len(byDay))
	for d, usd := range byDay {
		out = append(out, Price{Day: time.Unix(d, 0).UTC(), CloseUSD: usd})
	}
	slices.SortFunc(out, func(a, b Price) int { return a.Day.Compare(b.Day) })
	return out, nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %v", pe.Line, pe.Err)
	}
	return err
}

var dayLayouts = []string{
	"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05 MST", "2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.000Z", "2006-01-02 15:04", "01/02/2006", "1/2/2006", "Jan 02, 2006", "Jan 2, 2006", "2006/01/02",
}

// parseDay returns UTC midnight of the day s names.
func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if n > 1e11 {
			n /= 1000 // milliseconds
		}
		return time.Unix(n, 0).UTC().Truncate(24 * time.Hour), nil
	}
	for _, l := range dayLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			if t.Year() < 2009 || t.Year() > 2200 {
				return time.Time{}, fmt.Errorf("date %q out of range", s)
			}
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q not understood (want e.g. 2026-02-02, 02/02/2026 or Unix seconds)", s)
}

// MaxCloseUSD bounds a daily BTC/USD close: $10M, about 100 times the
// highest close so far, above which a figure is a unit or parsing error.
const MaxCloseUSD = 10e6

func parseUSD(s string) (float64, error) {
	t := strings.NewReplacer("$", "", ",", "", " ", "", "\"", "").Replace(strings.TrimSpace(s))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("close %q is not a positive price", s)
	}
	if v > MaxCloseUSD {
		return 0, fmt.Errorf("close %q is above $%.0f, not a BTC/USD price", s, MaxCloseUSD)
	}
	return v, nil
}
