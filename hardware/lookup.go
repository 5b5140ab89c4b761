package hardware

import (
	"fmt"
	"sort"
	"strings"
)

// UnknownModelError is returned by Lookup when no model matches; Suggestions
// holds up to three near names, nearest first.
type UnknownModelError struct {
	Query       string
	Suggestions []string
}

func (e *UnknownModelError) Error() string {
	if len(e.Suggestions) == 0 {
		return fmt.Sprintf("unknown model %q", e.Query)
	}
	return fmt.Sprintf("unknown model %q (did you mean %s?)", e.Query, orList(e.Suggestions))
}

// AmbiguousModelError is returned by Lookup when a name matches models from
// more than one maker; Candidates are "Maker Name" strings that do resolve.
type AmbiguousModelError struct {
	Query      string
	Candidates []string
}

func (e *AmbiguousModelError) Error() string {
	return fmt.Sprintf("ambiguous model %q: could be %s", e.Query, orList(e.Candidates))
}

func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// brands maps a normalised maker to the product line people also prefix
// model names with.
var brands = map[string]string{
	"bitmain": "antminer",
	"microbt": "whatsminer",
	"canaan":  "avalon",
}

// normalize folds a model name to its lookup key: lower case, without spaces,
// hyphens or underscores, and with Bitmain's abbreviation "hyd" standing for
// "hydro" so that "S21 XP Hyd" and "S21 XP Hydro" are one machine.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '\t', '-', '_':
			continue
		}
		b.WriteRune(r)
	}
	return strings.ReplaceAll(b.String(), "hydro", "hyd")
}

// modelKeys lists every normalised spelling Lookup accepts for m: the bare
// name, the name behind the maker, and the name behind the maker's brand.
func modelKeys(m Model) []string {
	name, maker := normalize(m.Name), normalize(m.Maker)
	keys := []string{name, maker + name}
	if brand, ok := brands[maker]; ok {
		keys = append(keys, brand+name, maker+brand+name)
	}
	return keys
}

func (c *Catalog) keysFor(i int) []string {
	if len(c.keys) == len(c.Models) {
		return c.keys[i]
	}
	// A Catalog built by hand rather than by Load: derive the keys on the fly.
	return modelKeys(c.Models[i])
}

// Lookup finds a model by name, ignoring case, spaces, hyphens, underscores
// and a leading maker or brand. A miss returns *UnknownModelError with near
// names; a name shared by several makers returns *AmbiguousModelError.
func (c *Catalog) Lookup(name string) (Model, error) {
	q := normalize(name)
	found := -1
	var candidates []string
	for i := range c.Models {
		for _, k := range c.keysFor(i) {
			if k != q {
				continue
			}
			if found < 0 {
				found = i
			}
			candidates = append(candidates, c.Models[i].Maker+" "+c.Models[i].Name)
			break
		}
	}
	switch {
	case len(candidates) == 1:
		return c.Models[found], nil
	case len(candidates) > 1:
		return Model{}, &AmbiguousModelError{Query: name, Candidates: candidates}
	}
	return Model{}, &UnknownModelError{Query: name, Suggestions: c.suggest(q)}
}

const maxSuggestions = 3

// suggest ranks models by the edit distance between q and the nearest of
// their keys, keeping those close enough to be plausible typos, plus any
// whose key contains q (a user who typed "XP Hydro" wants the family).
func (c *Catalog) suggest(q string) []string {
	if q == "" {
		return nil
	}
	// A third of the query, but at least 2, tolerates a swapped pair of
	// letters in a short name without suggesting "S9" for "M30".
	limit := max(2, len([]rune(q))/3)
	type hit struct {
		name string
		dist int
	}
	var hits []hit
	for i := range c.Models {
		best := -1
		for _, k := range c.keysFor(i) {
			d := levenshtein(q, k)
			if len(q) >= 3 && strings.Contains(k, q) {
				d = min(d, 1)
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best <= limit {
			hits = append(hits, hit{c.Models[i].Name, best})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].dist < hits[j].dist })
	var out []string
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == maxSuggestions {
			break
		}
		if !seen[h.name] {
			seen[h.name] = true
			out = append(out, h.name)
		}
	}
	return out
}

// levenshtein is the number of single-rune insertions, deletions and
// substitutions that turn a into b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
