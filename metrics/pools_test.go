package metrics

import (
	"testing"

	"github.com/hashfall/hashfall/chain"
)

// synthetic coinbases (not real blocks) for identification and shares.
func cb(tag string, addrs ...string) chain.Block {
	return chain.Block{CoinbaseScriptSig: append([]byte{0x03, 0x1a, 0x2b, 0x0c}, tag...), PayoutAddrs: addrs}
}

func TestIdentifyDefault(t *testing.T) {
	p := DefaultPools()
	for tag, want := range map[string]string{
		"/Foundry USA Pool #dropgold/": "Foundry USA",
		"Mined by AntPool bj1":         "AntPool",
		"/f2pool/":                     "F2Pool",
		"七彩神仙鱼":                        "F2Pool",
		"/ViaBTC/Mined by x/":          "ViaBTC",
		"hello world":                  Unknown,
	} {
		if got := p.Identify(cb(tag)); got != want {
			t.Errorf("%q: %q, want %q", tag, got, want)
		}
	}
}

func TestParsePoolsLayouts(t *testing.T) {
	classic := `{"coinbase_tags": {"/Pool/": {"name": "Short"}, "/Pool/Long/": {"name": "Long"}},
		"payout_addresses": {"1BoatSLRHtKNngkdXEeobR76b53LETtpyT": {"name": "Addr"}}}`
	p, err := ParsePools([]byte(classic))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Identify(cb("x/pool/long/y")); got != "Long" {
		t.Errorf("longest tag: %q", got)
	}
	if got := p.Identify(cb("/Pool/", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")); got != "Addr" {
		t.Errorf("address over tag: %q", got)
	}
	v2 := `[{"id": 1, "name": "V2", "tags": ["/v2/"], "addresses": ["bc1qxyz"]}]`
	p, err = ParsePools([]byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	if p.Identify(cb("..", "bc1qxyz")) != "V2" || p.Identify(cb("a/V2/b")) != "V2" {
		t.Error("v2 layout not applied")
	}
	for _, bad := range []string{``, `{}`, `[]`, `{"coinbase_tags": {"x": {"name": ""}}}`, `{"coinbase_tags": 5}`, `[{"name": "a", "tags": [""]}]`} {
		if _, err := ParsePools([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// Shares A 40, B 25, C 15, unknown 20 of 100: A+B = 65 > 50 → N = 2.
// With A 30, B 15, unknown 55, identified pools never pass half → 0.
func TestSharesNakamoto(t *testing.T) {
	p, _ := ParsePools([]byte(`{"coinbase_tags": {"/A/": {"name": "A"}, "/B/": {"name": "B"}, "/C/": {"name": "C"}}}`))
	mk := func(counts map[string]int) []chain.Block {
		var bs []chain.Block
		for tag, n := range counts {
			for range n {
				bs = append(bs, cb(tag))
			}
		}
		return bs
	}
	shares, n := p.Shares(mk(map[string]int{"/A/": 40, "/B/": 25, "/C/": 15, "zz": 20}))
	if n != 2 || shares[0].Pool != "A" || shares[0].SharePct != 40 || shares[len(shares)-1].Pool != Unknown {
		t.Errorf("shares %+v N=%d", shares, n)
	}
	if _, n := p.Shares(mk(map[string]int{"/A/": 30, "/B/": 15, "zz": 55})); n != 0 {
		t.Errorf("N = %d, want 0", n)
	}
	if _, n := p.Shares(mk(map[string]int{"/A/": 51, "/B/": 49})); n != 1 {
		t.Errorf("N = %d, want 1", n)
	}
	if _, n := p.Shares(mk(map[string]int{"/A/": 50, "/B/": 50})); n != 2 {
		t.Errorf("exactly half is not a majority: N = %d, want 2", n)
	}
}

func FuzzParsePools(f *testing.F) {
	f.Add([]byte(defaultPoolsJSON))
	f.Add([]byte(`[{"name": "V2", "tags": ["/v2/"], "addresses": ["bc1q"]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePools(data)
		if err != nil {
			return
		}
		_ = p.Identify(cb(string(data)))
	})
}
