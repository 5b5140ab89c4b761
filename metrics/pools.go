package metrics

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashfall/hashfall/chain"
)

//go:embed pools.json
var defaultPoolsJSON []byte

// Unknown is the pool name of blocks no definition matches.
const Unknown = "unknown"

// Pools identifies the pool that mined a block from its coinbase.
type Pools struct {
	tags  []poolTag // longest tag first
	addrs map[string]string
}

type poolTag struct{ tag, name string }

type poolEntry struct {
	Name string `json:"name"`
}

// DefaultPools is hashfall's own small embedded pools.json.
func DefaultPools() *Pools {
	p, err := ParsePools(defaultPoolsJSON)
	if err != nil {
		panic("embedded pools.json: " + err.Error())
	}
	return p
}

// ParsePools reads a pool definition file in either common layout: the
// classic pools.json object {"coinbase_tags": {tag: {"name": …}},
// "payout_addresses": {address: {"name": …}}}, or mempool's pools-v2
// array [{"name": …, "tags": […], "addresses": […]}].
func ParsePools(data []byte) (*Pools, error) {
	p := &Pools{addrs: map[string]string{}}
	add := func(where, key, name string) error {
		if key == "" || !utf8.ValidString(key) {
			return fmt.Errorf("pools: %s: empty or invalid key %q", where, key)
		}
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("pools: %s %q: no name", where, key)
		}
		if where == "coinbase_tags" {
			p.tags = append(p.tags, poolTag{tag: strings.ToLower(key), name: name})
		} else {
			p.addrs[key] = name
		}
		return nil
	}
	trimmed := strings.TrimSpace(string(data))
	switch {
	case strings.HasPrefix(trimmed, "["):
		var list []struct {
			Name      string   `json:"name"`
			Tags      []string `json:"tags"`
			Addresses []string `json:"addresses"`
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("pools: %w", err)
		}
		for i, e := range list {
			for _, t := range e.Tags {
				if err := add("coinbase_tags", t, e.Name); err != nil {
					return nil, fmt.Errorf("%w (entry %d)", err, i)
				}
			}
			for _, a := range e.Addresses {
				if err := add("addresses", a, e.Name); err != nil {
					return nil, fmt.Errorf("%w (entry %d)", err, i)
				}
			}
		}
	default:
		var doc struct {
			Tags  map[string]poolEntry `json:"coinbase_tags"`
			Addrs map[string]poolEntry `json:"payout_addresses"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("pools: %w", err)
		}
		for k, e := range doc.Tags {
			if err := add("coinbase_tags", k, e.Name); err != nil {
				return nil, err
			}
		}
		for k, e := range doc.Addrs {
			if err := add("payout_addresses", k, e.Name); err != nil {
				return nil, err
			}
		}
	}
	if len(p.tags) == 0 && len(p.addrs) == 0 {
		return nil, errors.New("pools: no coinbase tags or payout addresses")
	}
	slices.SortFunc(p.tags, func(a, b poolTag) int {
		if d := len(b.tag) - len(a.tag); d != 0 {
			return d
		}
		return strings.Compare(a.tag, b.tag)
	})
	return p, nil
}

// Identify names the pool of b: a payout address match wins (addresses are
// harder to fake than tags), then the longest coinbase tag found,
// case-insensitively, in the scriptSig; otherwise Unknown.
func (p *Pools) Identify(b chain.Block) string {
	for _, a := range b.PayoutAddrs {
		if name, ok := p.addrs[a]; ok {
			return name
		}
	}
	sig := strings.ToLower(string(b.CoinbaseScriptSig))
	for _, t := range p.tags {
		if strings.Contains(sig, t.tag) {
			return t.name
		}
	}
	return Unknown
}

// PoolShare is one pool's share of a window's blocks.
type PoolShare struct {
	Pool     string  `json:"pool"`
	Blocks   int64   `json:"blocks"`
	SharePct float64 `json:"share_pct"`
}

// Shares counts blocks per pool, largest first (Unknown last), and the
// Nakamoto coefficient: the fewest identified pools whose blocks together
// exceed half of all blocks in the window,
//
//	N = min{k : Σ_{i≤k} blocks_i > total/2}, pools sorted by blocks.
//
// Unknown blocks count in the total but never as a pool, so N is an upper
// bound on the true coefficient; 0 when identified pools cannot reach half.
func (p *Pools) Shares(blocks []chain.Block) (shares []PoolShare, nakamoto int) {
	count := map[string]int64{}
	for _, b := range blocks {
		count[p.Identify(b)]++
	}
	for name, n := range count {
		shares = append(shares, PoolShare{Pool: name, Blocks: n, SharePct: 100 * float64(n) / float64(len(blocks))})
	}
	slices.SortFunc(shares, func(a, b PoolShare) int {
		switch {
		case (a.Pool == Unknown) != (b.Pool == Unknown):
			if a.Pool == Unknown {
				return 1
			}
			return -1
		case a.Blocks != b.Blocks:
			return int(b.Blocks - a.Blocks)
		}
		return strings.Compare(a.Pool, b.Pool)
	})
	var sum int64
	for i, s := range shares {
		if s.Pool == Unknown {
			break
		}
		sum += s.Blocks
		if 2*sum > int64(len(blocks)) {
			return shares, i + 1
		}
	}
	return shares, 0
}
