package chain

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/internal/mainnetblk"
)

func readElectrum(t *testing.T) []Epoch {
	t.Helper()
	f, err := os.Open("../../shared/data/electrum-checkpoints.json")
	if err != nil {
		t.Skipf("Electrum checkpoints absent: %v", err)
	}
	defer f.Close()
	eps, err := ReadElectrumCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	return eps
}

// TestElectrumAgainstBitcoinj checks the Electrum epochs against an
// independent source of real mainnet headers, bitcoinj's checkpoints
// (one header every 2016 blocks): the header at 2016·k must link to
// Electrum's last hash of period k−1 and carry the compact form of the
// target Electrum lists with it.
func TestElectrumAgainstBitcoinj(t *testing.T) {
	eps := readElectrum(t)
	f, err := os.Open("../../shared/data/bitcoinj-production-checkpoints.txt")
	if err != nil {
		t.Skipf("bitcoinj checkpoints absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sc.Text()))
		if err != nil || len(raw) != 12+4+80 {
			continue // the header lines
		}
		height := int64(binary.BigEndian.Uint32(raw[12:16]))
		var h wire.BlockHeader
		if err := h.Deserialize(bytes.NewReader(raw[16:])); err != nil {
			t.Fatal(err)
		}
		k := height / 2016
		if height%2016 != 0 || k >= int64(len(eps)) {
			continue
		}
		if h.PrevBlock != eps[k-1].LastHash {
			t.Errorf("height %d: prev %s, Electrum period %d ends at %s", height, h.PrevBlock, k-1, eps[k-1].LastHash)
		}
		if got := consensus.TargetToCompact(eps[k-1].NextTarget); got != h.Bits {
			t.Errorf("height %d: bits %08x, Electrum target compacts to %08x", height, h.Bits, got)
		}
		checked++
	}
	if checked < 300 {
		t.Errorf("only %d headers cross-checked", checked)
	}
	if eps[0].NextTarget.Cmp(chaincfg.MainNetParams.PowLimit) > 0 {
		t.Errorf("period 0 target above the pow limit")
	}
}

// The first real blocks from btcd's blk file end periods 0..5 with the
// hashes Electrum lists.
func TestElectrumAgainstBlk(t *testing.T) {
	eps := readElectrum(t)
	src, err := OpenBlk(mainnetblk.Path(t), &chaincfg.MainNetParams)
	if err != nil {
		t.Fatal(err)
	}
	for k := range int64(7) {
		if src.blocks[2016*k+2015].Hash != eps[k].LastHash {
			t.Errorf("period %d: blk file ends with %s, Electrum %s", k, src.blocks[2016*k+2015].Hash, eps[k].LastHash)
		}
	}
}

func TestElectrumErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not array": `{}`,
		"empty":     `[]`,
		"short":     `[["00"]]`,
		"bad hash":  `[["zz", 5]]`,
		"float":     `[["00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763", 1.5]]`,
		"zero":      `[["00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763", 0]]`,
		"huge":      `[["00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763", 1` + strings.Repeat("0", 80) + `]]`,
	} {
		if _, err := ReadElectrumCheckpoints(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestElectrumOrderChecked: the real file with two entries swapped far
// apart is refused. Consensus alone cannot catch a swap of neighbours or a
// dropped entry (neighbouring targets are within 4× and each hash meets
// both); the store catches those where it holds the blocks
// (store.TestPutEpochsChecksStoredBlocks).
func TestElectrumOrderChecked(t *testing.T) {
	b, err := os.ReadFile("../../shared/data/electrum-checkpoints.json")
	if err != nil {
		t.Skipf("Electrum checkpoints absent: %v", err)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, swap := range [][2]int{{50, 300}, {100, 350}, {0, len(raw) - 1}} {
		r := slices.Clone(raw)
		r[swap[0]], r[swap[1]] = r[swap[1]], r[swap[0]]
		doc, _ := json.Marshal(r)
		_, err := ReadElectrumCheckpoints(bytes.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), "out of order") {
			t.Errorf("entries %v swapped: err = %v", swap, err)
		}
	}
}
