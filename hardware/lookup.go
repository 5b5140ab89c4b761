package hardware

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
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
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '-' || r == '_':
			continue
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	k := b.String()
	if strings.Contains(k, "hydro") {
		k = strings.ReplaceAll(k, "hydro", "hyd")
	}
	return k
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

// modelKeySet remembers which maker and name its keys were derived from, so
// that a caller who edits Catalog.Models after Load is not served stale keys.
type modelKeySet struct {
	maker, name string
	keys        []string
}

func newModelKeySet(m Model) modelKeySet {
	return modelKeySet{maker: m.Maker, name: m.Name, keys: modelKeys(m)}
}

func (c *Catalog) keysFor(i int) []string {
	m := &c.Models[i]
	if i < len(c.keys) && c.keys[i].name == m.Name && c.keys[i].maker == m.Maker {
		return c.keys[i].keys
	}
	// A Catalog built or edited by hand: derive the keys on the fly.
	return modelKeys(*m)
}

// Lookup finds a model by name, ignoring case, spaces, hyphens, underscores
// and a leading maker or brand. A miss returns *UnknownModelError with near
// names; a name shared by several makers returns *AmbiguousModelError.
func (c *Catalog) Lookup(name string) (Model, error) {
	q := normalize(name)
	var buf [4]int
	matches := buf[:0]
	for i := range c.Models {
		for _, k := range c.keysFor(i) {
			if k == q {
				matches = append(matches, i)
				break
			}
		}
	}
	switch len(matches) {
	case 0:
		return Model{}, &UnknownModelError{Query: name, Suggestions: c.suggest(q)}
	case 1:
		return c.Models[matches[0]], nil
	}
	candidates := make([]string, len(matches))
	for j, i := range matches {
		candidates[j] = c.Models[i].Maker + " " + c.Models[i].Name
	}
	return Model{}, &AmbiguousModelError{Query: name, Candidates: candidates}
}

const maxSuggestions = 3

// suggest ranks models by the edit distance between q and the nearest of
// their keys, keeping those close enough to be plausible typos, plus any
// whose key contains q (a user who typed "XP Hydro" wants the family).
func (c *Catalog) suggest(q string) []string {
	if q == "" {
		return nil
	}
	// About one slip per three characters, and at least a swapped pair
	// ("S12 XP" for "S21 XP"); beyond that the "near" names are noise.
	limit := max(2, utf8.RuneCountInString(q)/3)
	type hit struct {
		name string
		dist int
	}
	var hits []hit
	var ed editDistance
	qr := []rune(q)
	for i := range c.Models {
		best := -1
		for _, k := range c.keysFor(i) {
			d := ed.levenshtein(qr, k)
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
// substitutions that turn a into b. It reuses the caller's row buffers, since
// suggest compares one query against every key in the catalog.
func (d *editDistance) levenshtein(a []rune, b string) int {
	d.prev, d.cur = d.prev[:0], d.cur[:0]
	for j := 0; j <= len(a); j++ {
		d.prev = append(d.prev, j)
		d.cur = append(d.cur, 0)
	}
	i := 0
	for _, rb := range b {
		i++
		d.cur[0] = i
		for j := 1; j <= len(a); j++ {
			cost := 1
			if a[j-1] == rb {
				cost = 0
			}
			d.cur[j] = min(d.prev[j]+1, d.cur[j-1]+1, d.prev[j-1]+cost)
		}
		d.prev, d.cur = d.cur, d.prev
	}
	return d.prev[len(a)]
}

type editDistance struct{ prev, cur []int }
