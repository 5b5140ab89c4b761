package consensus

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/wire/v2"
)

// Real mainnet history lives beside the checkout in ../shared/data (see
// /work/shared/README.md); a user's clone has no such folder, so these
// tests skip without it.
const (
	bitcoinjCheckpointsPath = "../../shared/data/bitcoinj-production-checkpoints.txt"
	electrumCheckpointsPath = "../../shared/data/electrum-checkpoints.json"
)

// checkpoint is one bitcoinj entry: the header of the first block of a
// difficulty period and the chainwork through that block.
type checkpoint struct {
	height    int64
	chainwork *big.Int
	header    wire.BlockHeader
}

// loadBitcoinjCheckpoints parses bitcoinj's "TXT CHECKPOINTS 1" format: a
// header line, a signature-count line, an entry-count line, then one base64
// line per entry holding 12 bytes of big-endian chainwork, a 4-byte
// big-endian height and the 80-byte block header.
func loadBitcoinjCheckpoints(t *testing.T) []checkpoint {
	t.Helper()
	f, err := os.Open(bitcoinjCheckpointsPath)
	if os.IsNotExist(err) {
		t.Skipf("%s absent (only the shared workspace has it)", bitcoinjCheckpointsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 || lines[0] != "TXT CHECKPOINTS 1" {
		t.Fatalf("%s: not a bitcoinj TXT CHECKPOINTS 1 file", bitcoinjCheckpointsPath)
	}
	count, err := strconv.Atoi(lines[2])
	if err != nil || count != len(lines)-3 {
		t.Fatalf("%s: count line %q but %d entries", bitcoinjCheckpointsPath, lines[2], len(lines)-3)
	}
	cps := make([]checkpoint, 0, count)
	for i, l := range lines[3:] {
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != 12+4+80 {
			t.Fatalf("entry %d: %d bytes, %v", i, len(raw), err)
		}
		cp := checkpoint{
			chainwork: new(big.Int).SetBytes(raw[:12]),
			height:    int64(binary.BigEndian.Uint32(raw[12:16])),
		}
		if err := cp.header.Deserialize(bytes.NewReader(raw[16:])); err != nil {
			t.Fatalf("entry %d: header: %v", i, err)
		}
		cps = append(cps, cp)
	}
	return cps
}

// Every consecutive pair of periods in real mainnet history must be a
// transition Core permits at the retarget height, and a change of bits one
// block later (not a retarget height) must be refused.
func TestMainnetTransitionsPermitted(t *testing.T) {
	p := &chaincfg.MainNetParams
	cps := loadBitcoinjCheckpoints(t)
	interval := RetargetIntervalBlocks(p)
	prevBits := chaincfg.MainNetParams.GenesisBlock.Header.Bits
	for k, cp := range cps {
		if want := int64(k+1) * interval; cp.height != want {
			t.Fatalf("entry %d at height %d, want %d: not one per period", k, cp.height, want)
		}
		bits := cp.header.Bits
		if !PermittedDifficultyTransition(p, cp.height, prevBits, bits) {
			t.Errorf("height %d: %#08x → %#08x refused", cp.height, prevBits, bits)
		}
		// The same change one block later is not a retarget, so refused.
		if bits != prevBits && PermittedDifficultyTransition(p, cp.height+1, prevBits, bits) {
			t.Errorf("height %d: change %#08x → %#08x permitted off a retarget height", cp.height+1, prevBits, bits)
		}
		prevBits = bits
	}
}

// The bitcoinj file holds the first block of each period, so the time of
// the period's last block (what Core measures to) is one block short of
// the next entry's. NextWorkRequired on the span between consecutive
// entries must therefore reproduce the real next bits to within the
// timestamp noise of that one block (under 0.6% of two weeks, since a
// timestamp may sit up to two hours in the future).
func TestMainnetRetargetsFromHeaderTimes(t *testing.T) {
	p := &chaincfg.MainNetParams
	cps := loadBitcoinjCheckpoints(t)
	prev := p.GenesisBlock.Header
	var worst float64
	for _, cp := range cps {
		r := NextWorkRequired(p, prev.Bits, prev.Timestamp.Unix(), cp.header.Timestamp.Unix())
		real, _, _ := CompactToTarget(cp.header.Bits)
		ratio, _ := new(big.Rat).SetFrac(r.Target, real).Float64()
		dev := max(ratio-1, 1-ratio)
		worst = max(worst, dev)
		if dev > 0.006 {
			t.Errorf("height %d: predicted %#08x from %#08x over %d s, real %#08x (%.3f%% off)", cp.height, r.Bits, prev.Bits, r.ActualTimespanS, cp.header.Bits, 100*dev)
		}
		prev = cp.header
	}
	t.Logf("largest deviation from the real bits: %.4f%%", 100*worst)
}

// Summed block work reproduces bitcoinj's chainwork. Chainwork at height h
// covers blocks 0..h, so the first entry (h = 2016) is 2017 blocks at
// difficulty 1; each later entry adds the 2015 remaining blocks of the
// previous period and the new period's first block — which is the same as
// 2016·work(bits) per whole period plus the first block of the next.
func TestMainnetChainwork(t *testing.T) {
	p := &chaincfg.MainNetParams
	cps := loadBitcoinjCheckpoints(t)
	interval := RetargetIntervalBlocks(p)
	genesisBits := p.GenesisBlock.Header.Bits
	if want := PeriodWork(genesisBits, interval+1); cps[0].chainwork.Cmp(want) != 0 {
		t.Fatalf("chainwork at %d = %x, want 2017·work(genesis) = %x; convention differs", cps[0].height, cps[0].chainwork, want)
	}
	whole := new(big.Int) // work of every complete period before the entry
	prevBits := genesisBits
	for _, cp := range cps {
		whole.Add(whole, PeriodWork(prevBits, interval))
		got := new(big.Int).Add(whole, BlockWork(cp.header.Bits))
		if got.Cmp(cp.chainwork) != 0 {
			t.Fatalf("height %d: summed chainwork %x, bitcoinj %x", cp.height, got, cp.chainwork)
		}
		if w, ref := BlockWork(cp.header.Bits), blockchain.CalcWork(cp.header.Bits); w.Cmp(ref) != 0 {
			t.Fatalf("height %d: BlockWork %v, btcd CalcWork %v", cp.height, w, ref)
		}
		prevBits = cp.header.Bits
	}
	t.Logf("chainwork at height %d: %x (%d periods)", cps[len(cps)-1].height, cps[len(cps)-1].chainwork, len(cps))
}

// loadElectrumTargets reads Electrum's checkpoints.json: one [last block
// hash, target] pair per 2016-block chunk. Entry i's target is the one
// Electrum verifies chunk i+1 against (its get_target(i)), i.e. the target
// of blocks from height 2016·(i+1).
func loadElectrumTargets(t *testing.T) []*big.Int {
	t.Helper()
	raw, err := os.ReadFile(electrumCheckpointsPath)
	if os.IsNotExist(err) {
		t.Skipf("%s absent (only the shared workspace has it)", electrumCheckpointsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	var entries [][2]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatalf("%s: %v", electrumCheckpointsPath, err)
	}
	targets := make([]*big.Int, len(entries))
	for i, e := range entries {
		v, ok := new(big.Int).SetString(strings.TrimSpace(string(e[1])), 10)
		if !ok {
			t.Fatalf("entry %d: target %s is not an integer", i, e[1])
		}
		targets[i] = v
	}
	return targets
}

func TestElectrumTargetsRoundTrip(t *testing.T) {
	targets := loadElectrumTargets(t)
	for i, target := range targets {
		bits := TargetToCompact(target)
		back, negative, overflow := CompactToTarget(bits)
		if negative || overflow || back.Cmp(target) != 0 {
			t.Errorf("chunk %d: target %x → %#08x → %x (negative=%v overflow=%v)", i, target, bits, back, negative, overflow)
		}
	}
}

func TestElectrumAgreesWithBitcoinj(t *testing.T) {
	targets := loadElectrumTargets(t)
	cps := loadBitcoinjCheckpoints(t)
	n := min(len(targets), len(cps))
	if n < 300 {
		t.Fatalf("only %d overlapping periods", n)
	}
	for i := range n {
		if bits := TargetToCompact(targets[i]); bits != cps[i].header.Bits {
			t.Errorf("height %d: Electrum target encodes to %#08x, bitcoinj header has %#08x", cps[i].height, bits, cps[i].header.Bits)
		}
	}
	t.Logf("%d periods agree, through height %d", n, cps[n-1].height)
}
