package hardware

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxCatalogBytes bounds what Load reads; a real catalog is a few tens of KiB.
const maxCatalogBytes = 4 << 20

// fileYAML mirrors the catalog format. Fields are yaml.Nodes so that every
// validation error can name the line it refers to, while decoding with
// KnownFields(true) still rejects keys the format does not have.
type fileYAML struct {
	Version yaml.Node   `yaml:"version"`
	Models  []modelYAML `yaml:"models"`
}

type modelYAML struct {
	Maker        yaml.Node `yaml:"maker"`
	Model        yaml.Node `yaml:"model"`
	Released     yaml.Node `yaml:"released"`
	THs          yaml.Node `yaml:"th_s"`
	Watts        yaml.Node `yaml:"watts"`
	Cooling      yaml.Node `yaml:"cooling"`
	ListPriceUSD yaml.Node `yaml:"list_price_usd"`
	Source       yaml.Node `yaml:"source"`
}

// LoadFile reads a catalog from path; see Load.
func LoadFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Load(f, path)
}

// Load parses a catalog in the embedded file's format. name labels errors,
// which are one line of the form "name:line: model "X": problem". The
// catalog is returned only if every entry is valid.
func Load(r io.Reader, name string) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalogBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxCatalogBytes {
		return nil, fmt.Errorf("%s: catalog larger than %d bytes", name, maxCatalogBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileYAML
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty catalog", name)
		}
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: more than one YAML document", name)
	}
	return build(name, &f)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// goTypeNames hides this package's Go types from users reading yaml.v3's
// type errors.
var goTypeNames = strings.NewReplacer(
	"[]hardware.modelYAML", "a list of models",
	"hardware.modelYAML", "a model entry",
	"hardware.fileYAML", "a catalog mapping",
)

// yamlError rewrites yaml.v3's messages, which may span several lines, into
// hashfall's single-line "file:line: problem" form.
func yamlError(name string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "\n", " ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		problem := m[2]
		if u := unknownField.FindStringSubmatch(problem); u != nil {
			problem = fmt.Sprintf("unknown key %q", u[1])
		}
		return fmt.Errorf("%s:%s: %s", name, m[1], goTypeNames.Replace(problem))
	}
	return fmt.Errorf("%s: %s", name, goTypeNames.Replace(msg))
}

var coolings = map[Cooling]bool{Air: true, Hydro: true, Immersion: true}

// build validates the decoded file and converts it, stopping at the first
// problem so that nothing half-checked escapes.
func build(name string, f *fileYAML) (*Catalog, error) {
	version, err := scalarString(&f.Version)
	version = strings.TrimSpace(version)
	if err != nil || version == "" {
		return nil, fmt.Errorf("%s:%d: version must be a non-empty string", name, lineOr(&f.Version, 1))
	}
	if len(f.Models) == 0 {
		return nil, fmt.Errorf("%s: empty catalog: no models", name)
	}
	c := &Catalog{Version: version, Models: make([]Model, 0, len(f.Models))}
	firstLine := map[string]int{}
	for i := range f.Models {
		e := &f.Models[i]
		if entryLine(e) == 0 {
			// An empty mapping carries no key, hence no line to point at.
			return nil, fmt.Errorf("%s: model entry %d is empty", name, i+1)
		}
		m, err := buildModel(e)
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		id := normalize(m.Maker) + "\x00" + normalize(m.Name)
		line := entryLine(e)
		if prev, dup := firstLine[id]; dup {
			return nil, fmt.Errorf("%s:%d: model %q: duplicate of the entry at line %d", name, line, m.Name, prev)
		}
		firstLine[id] = line
		c.Models = append(c.Models, m)
		c.keys = append(c.keys, newModelKeySet(m))
	}
	return c, nil
}

// fieldError carries the line of the offending key; build prefixes the file.
func fieldError(line int, model, format string, args ...any) error {
	if model == "" {
		return fmt.Errorf("%d: model entry: %s", line, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%d: model %q: %s", line, model, fmt.Sprintf(format, args...))
}

func buildModel(e *modelYAML) (Model, error) {
	line := entryLine(e)
	var m Model
	str := func(n *yaml.Node, key string, dst *string) error {
		if n.Kind == 0 {
			return fieldError(line, m.Name, "missing key %s", key)
		}
		s, err := scalarString(n)
		if err != nil || strings.TrimSpace(s) == "" {
			return fieldError(n.Line, m.Name, "%s must be a non-empty string", key)
		}
		*dst = strings.TrimSpace(s)
		return nil
	}
	// The name first, so that later errors can say which model they are about.
	if err := str(&e.Model, "model", &m.Name); err != nil {
		return Model{}, err
	}
	if err := str(&e.Maker, "maker", &m.Maker); err != nil {
		return Model{}, err
	}
	var released, cooling string
	if err := str(&e.Released, "released", &released); err != nil {
		return Model{}, err
	}
	t, err := parseReleased(released)
	if err != nil {
		return Model{}, fieldError(e.Released.Line, m.Name, "released %q is not a date of the form YYYY-MM or YYYY-MM-DD", released)
	}
	m.Released = t
	positive := func(n *yaml.Node, key string, dst *float64) error {
		if n.Kind == 0 {
			return fieldError(line, m.Name, "missing key %s", key)
		}
		v, err := scalarFloat(n)
		if err != nil {
			return fieldError(n.Line, m.Name, "%s must be a number, got %q", key, n.Value)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return fieldError(n.Line, m.Name, "%s must be > 0", key)
		}
		*dst = v
		return nil
	}
	if err := positive(&e.THs, "th_s", &m.HashrateTHs); err != nil {
		return Model{}, err
	}
	if err := positive(&e.Watts, "watts", &m.PowerW); err != nil {
		return Model{}, err
	}
	if err := str(&e.Cooling, "cooling", &cooling); err != nil {
		return Model{}, err
	}
	m.Cooling = Cooling(cooling)
	if !coolings[m.Cooling] {
		return Model{}, fieldError(e.Cooling.Line, m.Name, "cooling %q must be air, hydro or immersion", cooling)
	}
	if e.ListPriceUSD.Kind != 0 {
		v, err := scalarFloat(&e.ListPriceUSD)
		if err != nil {
			return Model{}, fieldError(e.ListPriceUSD.Line, m.Name, "list_price_usd must be a number, got %q", e.ListPriceUSD.Value)
		}
		if !(v >= 0) || math.IsInf(v, 0) {
			return Model{}, fieldError(e.ListPriceUSD.Line, m.Name, "list_price_usd must be >= 0 (0 = unknown)")
		}
		m.ListPriceUSD = v
	}
	if err := str(&e.Source, "source", &m.Source); err != nil {
		return Model{}, err
	}
	return m, nil
}

// entryLine is the line of a model entry's first key, used for errors about
// the entry as a whole (a missing key, a duplicate).
func entryLine(e *modelYAML) int {
	line := 0
	for _, n := range []*yaml.Node{&e.Maker, &e.Model, &e.Released, &e.THs, &e.Watts, &e.Cooling, &e.ListPriceUSD, &e.Source} {
		if n.Kind != 0 && (line == 0 || n.Line < line) {
			line = n.Line
		}
	}
	return line
}

func lineOr(n *yaml.Node, fallback int) int {
	if n.Kind == 0 {
		return fallback
	}
	return n.Line
}

// scalarString accepts any scalar, so that an unquoted date or a numeric
// model name ("1246") reads as the text the user wrote.
func scalarString(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", errors.New("not a scalar")
	}
	return n.Value, nil
}

func scalarFloat(n *yaml.Node) (float64, error) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return 0, errors.New("not a number")
	}
	var v float64
	if err := n.Decode(&v); err != nil {
		return 0, err
	}
	return v, nil
}

// parseReleased accepts a full date or a month; a month means its first day.
func parseReleased(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, strconv.ErrSyntax
}
