package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type row struct {
	Model      string   `json:"model"`
	USDPerDay  float64  `json:"usd_per_day" table:"%.2f"`
	Underwater bool     `json:"underwater"`
	Payback    *float64 `json:"payback_days,omitempty"`
	hidden     int
}

type embedded struct {
	row
	Tier string `json:"tier"`
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "JSON", " csv "} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("ParseFormat(xml) error = %v, want one naming xml", err)
	}
}

func TestTableAlignsColumns(t *testing.T) {
	rows := []row{{Model: "S21 XP Hydro", USDPerDay: 7.5}, {Model: "S9", USDPerDay: -1.234, Underwater: true}}
	b, err := Render(Table, rows)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want header + 2:\n%s", len(lines), b)
	}
	// Text columns start together; numeric columns end together.
	if !strings.HasPrefix(lines[1], "S21 XP Hydro") || !strings.HasPrefix(lines[2], "S9  ") {
		t.Errorf("model column not left-aligned:\n%s", b)
	}
	end := strings.Index(lines[0], "usd_per_day") + len("usd_per_day")
	if lines[1][end-4:end] != "7.50" || lines[2][end-5:end] != "-1.23" {
		t.Errorf("usd_per_day column not right-aligned:\n%s", b)
	}
	if !strings.Contains(lines[2], "-1.23") || !strings.Contains(lines[2], "yes") {
		t.Errorf("row not formatted with its table tag: %q", lines[2])
	}
	if strings.Contains(string(b), "hidden") {
		t.Errorf("unexported field rendered:\n%s", b)
	}
}

func TestCSVKeepsFullPrecisionAndHeaders(t *testing.T) {
	p := 12.5
	rows := []row{{Model: "a,b", USDPerDay: 1.23456789, Payback: &p}}
	b, err := Render(CSV, rows)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"model", "usd_per_day", "underwater", "payback_days"}, {"a,b", "1.23456789", "false", "12.5"}}
	if len(recs) != 2 || strings.Join(recs[0], "|") != strings.Join(want[0], "|") || strings.Join(recs[1], "|") != strings.Join(want[1], "|") {
		t.Errorf("CSV = %q, want %q", recs, want)
	}
}

func TestEmbeddedStructsFlatten(t *testing.T) {
	b, err := Render(CSV, []embedded{{row: row{Model: "x"}, Tier: "<20"}})
	if err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(string(b), "\n", 2)[0]
	if header != "model,usd_per_day,underwater,payback_days,tier" {
		t.Errorf("header = %q", header)
	}
}

func TestDocumentJSONKeysInOrder(t *testing.T) {
	d := Document{Title: "t", Notes: []string{"n"}, Sections: []Section{
		{Name: "network", Data: row{Model: "m"}},
		{Name: "fleet", Data: []row{{Model: "a"}}},
	}}
	b, err := Render(JSON, d)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	for _, k := range []string{"title", "notes", "network", "fleet"} {
		if _, ok := got[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	s := string(b)
	if strings.Index(s, `"network"`) > strings.Index(s, `"fleet"`) {
		t.Errorf("sections out of order: %s", s)
	}
	table, err := Render(Table, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"t\n=", "note: n", "network\n-------", "fleet\n-----"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("table missing %q:\n%s", want, table)
		}
	}
	csvOut, err := Render(CSV, d)
	if err != nil {
		t.Fatal(err)
	}
	// One table: the main section (the first list of rows), nothing else.
	recs, err := csv.NewReader(bytes.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][0] != "model" || strings.Contains(string(csvOut), "#") {
		t.Errorf("csv is not the fleet table alone (%v):\n%s", err, csvOut)
	}
}

// Tables show difficulty and hashrate with SI prefixes, never signed zero,
// and hide a column empty in every row; CSV keeps exact numbers and every
// column.
func TestTableUnitsZeroAndEmptyColumns(t *testing.T) {
	type row struct {
		Difficulty  float64  `json:"difficulty"`
		HashrateHs  float64  `json:"hashrate_hs"`
		ProfitUSD   float64  `json:"profit_usd" table:"%.0f"`
		Loss        float64  `json:"loss"`
		PaybackDays *float64 `json:"payback_days"`
	}
	rows := []row{{Difficulty: 1.417e14, HashrateHs: 1.0143e21, ProfitUSD: -0.2, Loss: math.Copysign(0, -1)}}
	table, err := Render(Table, rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"141.7T", "1.014 ZH/s"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	for _, bad := range []string{"-0", "e+", "payback_days"} {
		if strings.Contains(string(table), bad) {
			t.Errorf("table holds %q:\n%s", bad, table)
		}
	}
	csvOut, err := Render(CSV, rows)
	if err != nil {
		t.Fatal(err)
	}
	if want := "difficulty,hashrate_hs,profit_usd,loss,payback_days\n1.417e+14,1.0143e+21,-0.2,0,\n"; string(csvOut) != want {
		t.Errorf("csv = %q, want %q", csvOut, want)
	}
}

func TestRenderRejectsUnrenderable(t *testing.T) {
	if _, err := Render(Table, 42); err == nil {
		t.Error("Render(Table, 42) succeeded, want error")
	}
	var nilRow *row
	if _, err := Render(CSV, nilRow); err == nil {
		t.Error("Render(CSV, nil) succeeded, want error")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.html")
	if err := WriteFileAtomic(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "two" {
		t.Errorf("content = %q", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, %v; want -rw-r--r--", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestHumanFloat(t *testing.T) {
	cases := map[float64]string{141.7e12: "1.417e+14", 76176: "76176", 52.345: "52.34", 0.0341: "0.0341", 0: "0", 123.45: "123.5"}
	for in, want := range cases {
		if got := humanFloat(in); got != want {
			t.Errorf("humanFloat(%g) = %q, want %q", in, got, want)
		}
	}
}

// A NaN or Inf in a result is an error naming the field in every format,
// never a printed "NaN" (table, CSV) or encoding/json's bare
// "unsupported value".
func TestNonFiniteResultIsAnError(t *testing.T) {
	type row struct {
		Day int     `json:"day"`
		USD float64 `json:"usd"`
	}
	doc := Document{Title: "t", Sections: []Section{
		{Name: "summary", Data: struct {
			A float64 `json:"a_usd"`
		}{1}},
		{Name: "schedule", Data: []row{{1, 2}, {2, math.Inf(-1)}}},
	}}
	for _, f := range []Format{Table, CSV, JSON} {
		_, err := Render(f, doc)
		if err == nil || !strings.Contains(err.Error(), "schedule[1].usd") {
			t.Errorf("%s: err = %v, want one naming schedule[1].usd", f, err)
		}
		_, err = Render(f, &row{USD: math.NaN()})
		if err == nil || !strings.Contains(err.Error(), "usd") {
			t.Errorf("%s: err = %v, want one naming usd", f, err)
		}
		if _, err := Render(f, []row{{1, 2}}); err != nil {
			t.Errorf("%s: finite rows: %v", f, err)
		}
	}
}

// A failed atomic write names the user's path, never the temporary file
// it writes first.
func TestWriteFileAtomicErrorNamesThePath(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "report.html")
	// A non-empty folder where the file should go makes the rename fail.
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(target, []byte("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "write "+target+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("err = %v, want one naming %s and no temp file", err, target)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left %d entries in the folder, want only the obstacle", len(entries))
	}
}
