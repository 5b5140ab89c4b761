package yamlpos

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLine(t *testing.T) {
	doc := `version: 1
sites:
  - name: a
    mw: 10
  - name: b
    ai:
      capex: 5
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path []string
		want int
	}{
		{nil, 1},
		{[]string{"version"}, 1},
		{[]string{"sites"}, 2},
		{[]string{"sites", "0"}, 3},
		{[]string{"sites", "0", "mw"}, 4},
		{[]string{"sites", "1", "ai", "capex"}, 7},
		{[]string{"sites", "1", "ai", "missing"}, 6}, // nearest parent
		{[]string{"sites", "9", "name"}, 2},          // index out of range
		{[]string{"sites", "x"}, 2},                  // not an index
		{[]string{"nothing"}, 1},
	}
	for _, c := range cases {
		if got := Line(&root, c.path...); got != c.want {
			t.Errorf("Line(%q) = %d, want %d", c.path, got, c.want)
		}
	}
	if got := Line(nil, "a"); got != 1 {
		t.Errorf("Line(nil) = %d, want 1", got)
	}
}
