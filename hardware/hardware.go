package hardware

import (
	"bytes"
	_ "embed"
	"sort"
	"sync"
	"time"
)

// Cooling is how a machine sheds its heat; it decides which sites can host it.
type Cooling string

// The cooling kinds a catalog entry may name.
const (
	Air       Cooling = "air"
	Hydro     Cooling = "hydro"
	Immersion Cooling = "immersion"
)

// Model is one machine as its spec sheet states it.
type Model struct {
	Maker        string
	Name         string
	Released     time.Time
	HashrateTHs  float64 // nameplate hashrate, TH/s
	PowerW       float64 // wall power at nameplate hashrate, W
	Cooling      Cooling
	ListPriceUSD float64 // 0 = unknown
	Source       string
}

// JoulesPerTH is the efficiency PowerW / HashrateTHs, in J/TH (W per TH/s).
func (m Model) JoulesPerTH() float64 { return m.PowerW / m.HashrateTHs }

// HashrateHs is HashrateTHs · 1e12, in H/s, the unit used everywhere else.
func (m Model) HashrateHs() float64 { return m.HashrateTHs * 1e12 }

// Catalog is a versioned list of models.
type Catalog struct {
	Version string
	Models  []Model

	// keys[i] holds the normalised names under which Models[i] is found.
	// Load fills it once so that Lookup on the shared default catalog neither
	// allocates per model nor writes to shared state.
	keys []modelKeySet
}

//go:embed catalog.yaml
var embeddedYAML []byte

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := Load(bytes.NewReader(embeddedYAML), "hardware/catalog.yaml")
	if err != nil {
		// The embedded file ships with the binary and TestDefaultLoads
		// guards it, so this is a build defect, not a user error.
		panic(err)
	}
	return c
})

// Default returns the embedded catalog. It is parsed on first use and shared;
// callers must not modify it.
func Default() *Catalog { return defaultCatalog() }

// ByEfficiency returns a copy of the models sorted by J/TH ascending (most
// efficient first); ties keep catalog order.
func (c *Catalog) ByEfficiency() []Model {
	out := make([]Model, len(c.Models))
	copy(out, c.Models)
	sort.SliceStable(out, func(i, j int) bool { return out[i].JoulesPerTH() < out[j].JoulesPerTH() })
	return out
}
