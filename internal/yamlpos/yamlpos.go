// Package yamlpos finds where in a YAML document a key is, so that errors
// found after decoding (a value out of range, an unknown model) can name the
// line the user must edit.
package yamlpos

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// Line follows path from root — a map key by name, a sequence element by
// its decimal index — and returns the line of the deepest step found: the
// key's own line in a mapping, the element's in a sequence. A path that
// leaves the document early returns the line of its nearest parent, and 1
// when even the first step is missing.
func Line(root *yaml.Node, path ...string) int {
	line := 1
	n := root
	if n == nil {
		return line
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Line > 0 {
		line = n.Line
	}
	for _, step := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == step {
					line, next = n.Content[i].Line, n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
