package serve

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// paramError is a bad query parameter: 400 with its name.
type paramError struct {
	name, msg string
}

func (e *paramError) Error() string { return e.name + ": " + e.msg }

// query validates an endpoint's query parameters like CLI flags: unknown
// names, repeated names and out-of-range values are errors naming the
// parameter. After the first error the getters return their defaults.
type query struct {
	v   url.Values
	err *paramError
}

// parseQuery checks that only allowed parameters appear, each at most once.
func parseQuery(raw string, allowed ...string) *query {
	q := &query{}
	v, err := url.ParseQuery(raw)
	if err != nil {
		q.err = &paramError{"query", "malformed query string"}
		return q
	}
	q.v = v
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(allowed, k) {
			q.fail(k, "unknown parameter (allowed: %s)", strings.Join(allowed, ", "))
			return q
		}
		if len(v[k]) > 1 {
			q.fail(k, "given %d times", len(v[k]))
			return q
		}
	}
	return q
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = &paramError{name: printable(name), msg: fmt.Sprintf(format, args...)}
	}
}

// printable keeps a client's parameter name short and one line in errors.
func printable(s string) string {
	if s == "" {
		return `""`
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

func (q *query) has(name string) bool { return q.err == nil && q.v.Has(name) }

func (q *query) raw(name string) string { return q.v.Get(name) }

// float parses a finite number in [lo, hi].
func (q *query) float(name string, def, lo, hi float64) float64 {
	if !q.has(name) {
		return def
	}
	x, err := strconv.ParseFloat(q.raw(name), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		q.fail(name, "want a number, got %q", printable(q.raw(name)))
		return def
	}
	if x < lo || x > hi {
		q.fail(name, "must be in [%g, %g], got %g", lo, hi, x)
		return def
	}
	return x
}

// integer parses an integer in [lo, hi].
func (q *query) integer(name string, def, lo, hi int64) int64 {
	if !q.has(name) {
		return def
	}
	x, err := strconv.ParseInt(q.raw(name), 10, 64)
	if err != nil {
		q.fail(name, "want an integer, got %q", printable(q.raw(name)))
		return def
	}
	if x < lo || x > hi {
		q.fail(name, "must be in [%d, %d], got %d", lo, hi, x)
		return def
	}
	return x
}

// date parses YYYY-MM-DD, RFC 3339 or Unix seconds.
func (q *query) date(name string, def time.Time) time.Time {
	if !q.has(name) {
		return def
	}
	t, err := parseDate(q.raw(name))
	if err != nil {
		q.fail(name, "%v", err)
		return def
	}
	return t
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n < 1e11 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("want YYYY-MM-DD, RFC 3339 or Unix seconds, got %q", printable(s))
}

// oneOf parses a word from a fixed list.
func (q *query) oneOf(name, def string, words ...string) string {
	if !q.has(name) {
		return def
	}
	s := q.raw(name)
	if !slices.Contains(words, s) {
		q.fail(name, "want one of %s, got %q", strings.Join(words, ", "), printable(s))
		return def
	}
	return s
}
