package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/hashfall/hashfall/units"
)

// Format is one of the three output formats every command accepts.
type Format string

const (
	Table Format = "table"
	JSON  Format = "json"
	CSV   Format = "csv"
)

// ParseFormat accepts "table", "json" or "csv".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Table, JSON, CSV:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json or csv)", s)
}

// Section is one named part of a Document. Name is snake_case and becomes
// the JSON key.
type Section struct {
	Name string
	Data any
}

// Document is a result made of several sections, such as a report.
//
// A CSV is one table that pandas and spreadsheets load as is, so a
// Document's CSV holds one section: Main, or the first section that is a
// list of rows, or the first section. Commands print the title and notes to
// stderr instead, and select another section with --section NAME.
type Document struct {
	Title    string
	Notes    []string
	Sections []Section
	// Main names the section a CSV holds by default; empty: the first
	// list of rows.
	Main string
}

// Section returns the section called name, or with name "" the main one.
func (d Document) Section(name string) (Section, error) {
	if len(d.Sections) == 0 {
		return Section{}, fmt.Errorf("nothing to render")
	}
	if name == "" {
		name = d.Main
	}
	if name == "" {
		for _, s := range d.Sections {
			rv := reflect.ValueOf(s.Data)
			if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
				return s, nil
			}
		}
		return d.Sections[0], nil
	}
	for _, s := range d.Sections {
		if s.Name == name {
			return s, nil
		}
	}
	return Section{}, fmt.Errorf("no section %q (have %s)", name, strings.Join(d.SectionNames(), ", "))
}

// SectionNames lists the sections in order.
func (d Document) SectionNames() []string {
	names := make([]string, len(d.Sections))
	for i, s := range d.Sections {
		names[i] = s.Name
	}
	return names
}

// MarshalJSON writes a Document as one object: "title", "notes", then one
// key per section, in order.
func (d Document) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(key string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		enc, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("section %s: %w", key, err)
		}
		b.Write(enc)
		return nil
	}
	if d.Title != "" {
		if err := write("title", d.Title); err != nil {
			return nil, err
		}
	}
	if len(d.Notes) > 0 {
		if err := write("notes", d.Notes); err != nil {
			return nil, err
		}
	}
	for _, s := range d.Sections {
		if err := write(s.Name, s.Data); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Write renders v in format f and writes it to w in one call.
func Write(w io.Writer, f Format, v any) error {
	b, err := Render(f, v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Render renders v in format f into memory. A NaN or ±Inf anywhere in v
// is an error naming the field, in every format: a result that is not a
// number must not be printed as one.
func Render(f Format, v any) ([]byte, error) {
	if err := CheckFinite(v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	var err error
	switch f {
	case JSON:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		err = enc.Encode(v)
	case CSV:
		err = renderCSV(&b, v)
	case Table, "":
		err = renderTable(&b, v)
	default:
		err = fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so that a reader never sees half a file. Errors
// name path, never the temporary file.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return WriteError(path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return WriteError(path, err)
	}
	// CreateTemp makes the file private; a report is meant to be shared.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return WriteError(path, err)
	}
	if err := tmp.Close(); err != nil {
		return WriteError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return WriteError(path, err)
	}
	return nil
}

// WriteError reports a failed write of path: "write PATH: CAUSE", with the
// cause stripped of the temporary file's name an atomic write works on.
func WriteError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// grid is the common shape every value is reduced to before it is drawn as
// a table or CSV: a header row and rows of already formatted cells.
type grid struct {
	header []string
	rows   [][]string
	// record is true when the grid is a single struct shown as key/value
	// lines in a table.
	record bool
}

func renderTable(w io.Writer, v any) error {
	if d, ok := AsDocument(v); ok {
		if d.Title != "" {
			fmt.Fprintln(w, d.Title)
			fmt.Fprintln(w, strings.Repeat("=", len([]rune(d.Title))))
		}
		for _, n := range d.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		for i, s := range d.Sections {
			if i > 0 || d.Title != "" || len(d.Notes) > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s\n%s\n", s.Name, strings.Repeat("-", len(s.Name)))
			if err := renderTable(w, s.Data); err != nil {
				return fmt.Errorf("section %s: %w", s.Name, err)
			}
		}
		return nil
	}
	g, err := toGrid(v, true)
	if err != nil {
		return err
	}
	if g.record {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for i, h := range g.header {
			fmt.Fprintf(tw, "%s\t%s\n", h, g.rows[0][i])
		}
		return tw.Flush()
	}
	writeAligned(w, g.header, g.rows)
	return nil
}

// writeAligned pads each column to its widest cell: numeric columns to the
// right so that digits line up, text columns to the left.
func writeAligned(w io.Writer, header []string, rows [][]string) {
	widths := make([]int, len(header))
	numeric := make([]bool, len(header))
	for c, h := range header {
		widths[c] = utf8.RuneCountInString(h)
		numeric[c] = true
		for _, r := range rows {
			widths[c] = max(widths[c], utf8.RuneCountInString(r[c]))
			if r[c] != "" && !isNumber(r[c]) {
				numeric[c] = false
			}
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for c, cell := range cells {
			if c > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell))
			if numeric[c] {
				b.WriteString(pad + cell)
			} else if c < len(cells)-1 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	return err == nil
}

func renderCSV(w io.Writer, v any) error {
	if d, ok := AsDocument(v); ok {
		s, err := d.Section("")
		if err != nil {
			return err
		}
		if err := renderCSV(w, s.Data); err != nil {
			return fmt.Errorf("section %s: %w", s.Name, err)
		}
		return nil
	}
	g, err := toGrid(v, false)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(g.header); err != nil {
		return err
	}
	if err := cw.WriteAll(g.rows); err != nil {
		return err
	}
	return cw.Error()
}

// AsDocument returns v as a Document if it is one (or a pointer to one).
func AsDocument(v any) (Document, bool) {
	switch d := v.(type) {
	case Document:
		return d, true
	case *Document:
		return *d, true
	}
	return Document{}, false
}

func toGrid(v any, human bool) (grid, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return grid{}, fmt.Errorf("nothing to render")
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Struct:
		cols := columns(rv.Type())
		g := grid{record: true}
		row := make([]string, 0, len(cols))
		for _, c := range cols {
			g.header = append(g.header, c.name)
			row = append(row, formatCell(rv.FieldByIndex(c.index), c, human))
		}
		g.rows = [][]string{row}
		return g, nil
	case reflect.Slice, reflect.Array:
		elem := rv.Type().Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		if elem.Kind() != reflect.Struct {
			g := grid{header: []string{"value"}}
			for i := 0; i < rv.Len(); i++ {
				g.rows = append(g.rows, []string{formatCell(rv.Index(i), column{}, human)})
			}
			return g, nil
		}
		cols := columns(elem)
		g := grid{}
		for _, c := range cols {
			g.header = append(g.header, c.name)
		}
		for i := 0; i < rv.Len(); i++ {
			e := rv.Index(i)
			for e.Kind() == reflect.Pointer {
				e = e.Elem()
			}
			row := make([]string, 0, len(cols))
			for _, c := range cols {
				row = append(row, formatCell(e.FieldByIndex(c.index), c, human))
			}
			g.rows = append(g.rows, row)
		}
		if human {
			g = dropEmptyColumns(g)
		}
		return g, nil
	}
	return grid{}, fmt.Errorf("cannot render %s as a table", rv.Type())
}

// dropEmptyColumns removes, from a table people read, every column that is
// empty in every row (a catalog with no list prices has no payback_days).
// CSV and JSON keep the full schema.
func dropEmptyColumns(g grid) grid {
	if len(g.rows) == 0 {
		return g
	}
	var keep []int
	for c := range g.header {
		for _, r := range g.rows {
			if r[c] != "" {
				keep = append(keep, c)
				break
			}
		}
	}
	if len(keep) == len(g.header) {
		return g
	}
	out := grid{header: make([]string, len(keep)), rows: make([][]string, len(g.rows))}
	for i, c := range keep {
		out.header[i] = g.header[c]
	}
	for r, row := range g.rows {
		out.rows[r] = make([]string, len(keep))
		for i, c := range keep {
			out.rows[r][i] = row[c]
		}
	}
	return out
}

type column struct {
	name  string
	index []int
	// format is the fmt verb from a `table:"%.2f"` tag, used for the
	// human-readable table only; JSON and CSV keep full precision.
	format string
	// unit is how a table shows a float: "H/s" as a hashrate with an SI
	// prefix (1.014 ZH/s), "si" as a number with one (141.7T). It comes
	// from a `unit:"…"` tag, or from the JSON name: *_hs is a hashrate,
	// difficulty and *_difficulty are difficulties. JSON and CSV keep the
	// exact number.
	unit string
}

// unitOf returns the display unit of a float field named name.
func unitOf(f reflect.StructField, name string) string {
	if u, ok := f.Tag.Lookup("unit"); ok {
		return u
	}
	k := f.Type.Kind()
	if k == reflect.Pointer {
		k = f.Type.Elem().Kind()
	}
	if k != reflect.Float64 && k != reflect.Float32 {
		return ""
	}
	switch {
	case strings.HasSuffix(name, "_hs"):
		return "H/s"
	case name == "difficulty" || strings.HasSuffix(name, "_difficulty"):
		return "si"
	}
	return ""
}

func columns(t reflect.Type) []column {
	var cols []column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if _, tagged := f.Tag.Lookup("json"); f.Anonymous && !tagged && f.Type.Kind() == reflect.Struct {
			// Flatten embedded structs the way encoding/json does.
			for _, c := range columns(f.Type) {
				c.index = append([]int{i}, c.index...)
				cols = append(cols, c)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		cols = append(cols, column{name: name, index: f.Index, format: f.Tag.Get("table"), unit: unitOf(f, name)})
	}
	return cols
}

var timeType = reflect.TypeOf(time.Time{})

func formatCell(v reflect.Value, c column, human bool) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return ""
		}
		if human && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.UTC().Format(time.RFC3339)
	}
	if human && c.format != "" {
		return unsignZero(fmt.Sprintf(c.format, v.Interface()))
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if f == 0 {
			f = 0 // no "-0"
		}
		if human {
			switch c.unit {
			case "H/s":
				return units.FormatHashrate(f)
			case "si":
				return siFloat(f)
			}
			return unsignZero(humanFloat(f))
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case reflect.Bool:
		if human {
			if v.Bool() {
				return "yes"
			}
			return "no"
		}
		return strconv.FormatBool(v.Bool())
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return fmt.Sprintf("%x", v.Bytes())
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatCell(v.Index(i), column{}, human)
		}
		return strings.Join(parts, ";")
	case reflect.Struct, reflect.Map:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return fmt.Sprint(v.Interface())
		}
		return string(b)
	}
	return fmt.Sprint(v.Interface())
}

// unsignZero drops the sign of a formatted number that rounds to zero:
// "-0", "-0.0000" and "$-0" become "0", "0.0000" and "$0".
func unsignZero(s string) string {
	i := strings.Index(s, "-")
	if i < 0 {
		return s
	}
	rest := s[i+1:]
	digits := strings.TrimRight(rest, "%abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/ ")
	if digits == "" || strings.Trim(digits, "0.") != "" || strings.ContainsAny(s[:i], "0123456789") {
		return s
	}
	return s[:i] + rest
}

// siPrefixes are the steps siFloat uses, largest first.
var siPrefixes = []struct {
	letter string
	scale  float64
}{{"Y", 1e24}, {"Z", 1e21}, {"E", 1e18}, {"P", 1e15}, {"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}}

// siFloat writes f with the largest SI prefix that keeps the mantissa at or
// above 1, to four significant digits: 1.417e14 → "141.7T". Magnitudes
// under 1000 and beyond 1e27 fall back to humanFloat.
func siFloat(f float64) string {
	abs := math.Abs(f)
	if abs < 1e27 {
		for _, p := range siPrefixes {
			if abs >= p.scale {
				m := f / p.scale
				decimals := 3
				switch am := math.Abs(m); {
				case am >= 100:
					decimals = 1
				case am >= 10:
					decimals = 2
				}
				return strconv.FormatFloat(m, 'f', decimals, 64) + p.letter
			}
		}
	}
	return humanFloat(f)
}

// humanFloat shows a float to about four significant digits without
// scientific notation for the magnitudes miners read every day, and with it
// for the rest (difficulty 1.417e+14, hashrate 1.014e+21).
func humanFloat(f float64) string {
	abs := math.Abs(f)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return strconv.FormatFloat(f, 'g', -1, 64)
	case f == 0:
		return "0"
	case abs >= 1e9 || abs < 1e-4:
		return strconv.FormatFloat(f, 'e', 3, 64)
	case abs >= 1000:
		return strconv.FormatFloat(f, 'f', 0, 64)
	case abs >= 100:
		return strconv.FormatFloat(f, 'f', 1, 64)
	case abs >= 1:
		return strconv.FormatFloat(f, 'f', 2, 64)
	default:
		return strconv.FormatFloat(f, 'g', 3, 64)
	}
}

// Grid returns the header and the human-formatted rows of v (a struct or a
// slice of structs), for renderers outside this package such as HTML
// reports. A struct becomes a two-column key/value grid.
func Grid(v any) (header []string, rows [][]string, err error) {
	g, err := toGrid(v, true)
	if err != nil {
		return nil, nil, err
	}
	if g.record {
		rows = make([][]string, len(g.header))
		for i, h := range g.header {
			rows[i] = []string{h, g.rows[0][i]}
		}
		return []string{"field", "value"}, rows, nil
	}
	return g.header, g.rows, nil
}

// CheckFinite returns an error naming the first float field of v (by its
// JSON name, with section names and row indices: "schedule[3].usd") that
// holds NaN or ±Inf, and nil when every float in v is finite.
func CheckFinite(v any) error {
	if d, ok := AsDocument(v); ok {
		for _, s := range d.Sections {
			if err := checkFinite(reflect.ValueOf(s.Data), s.Name); err != nil {
				return err
			}
		}
		return nil
	}
	return checkFinite(reflect.ValueOf(v), "")
}

func checkFinite(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkFinite(v.Elem(), path)
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			if path == "" {
				path = "value"
			}
			return fmt.Errorf("result field %s is %v, not a number: an input is out of the range the model covers", path, f)
		}
	case reflect.Struct:
		if d, ok := v.Interface().(Document); v.CanInterface() && ok {
			return CheckFinite(d)
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, ok := f.Tag.Lookup("json"); ok {
				n, _, _ := strings.Cut(tag, ",")
				if n == "-" {
					continue
				}
				if n != "" {
					name = n
				}
			}
			p := name
			if f.Anonymous {
				p = path
			} else if path != "" {
				p = path + "." + name
			}
			if err := checkFinite(v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkFinite(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if err := checkFinite(iter.Value(), fmt.Sprintf("%s[%v]", path, iter.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}
