package sim

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/consensus"
)

// checkpoint is one bitcoinj checkpoint: a block every 2016 heights.
type checkpoint struct {
	height int64
	timeS  int64
	bits   uint32
}

// readBitcoinjCheckpoints reads bitcoinj's production checkpoints: after
// three header lines, one base64 StoredBlock per line — 12 bytes of chain
// work, a 4-byte big-endian height and the 80-byte block header (time and
// bits little-endian at header offsets 68 and 72).
func readBitcoinjCheckpoints(t *testing.T, path string) []checkpoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("mainnet checkpoints not available: %v", err)
	}
	defer f.Close()
	var out []checkpoint
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if line <= 3 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sc.Text()))
		if err != nil || len(b) < 96 {
			t.Fatalf("%s line %d: not a stored block", path, line)
		}
		hdr := b[16:96]
		out = append(out, checkpoint{
			height: int64(binary.BigEndian.Uint32(b[12:16])),
			timeS:  int64(binary.LittleEndian.Uint32(hdr[68:72])),
			bits:   binary.LittleEndian.Uint32(hdr[72:76]),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Kraft's point on real data: over the last 100 retarget epochs of the
// bitcoinj checkpoints (≈2021–2025, steady ASIC-era growth) the mean block
// time must match ExpectedMeanBlockTimeS at the growth rate implied by the
// difficulty's own rise, within 0.5%, and be below 600 s. The growth per
// two weeks is the per-epoch difficulty ratio r rescaled from the epoch's
// real length L to 1209600 s: g = r^(1209600/L) − 1.
func TestKraftAgainstMainnetHistory(t *testing.T) {
	cps := readBitcoinjCheckpoints(t, "../../shared/data/bitcoinj-production-checkpoints.txt")
	if len(cps) < 101 {
		t.Skipf("only %d checkpoints", len(cps))
	}
	a, b := cps[len(cps)-101], cps[len(cps)-1]
	epochs := float64(b.height-a.height) / retargetInterval
	meanBlockS := float64(b.timeS-a.timeS) / float64(b.height-a.height)
	r := math.Pow(consensus.DifficultyFromBits(b.bits)/consensus.DifficultyFromBits(a.bits), 1/epochs)
	g := math.Pow(r, 1209600/(meanBlockS*retargetInterval)) - 1
	want := ExpectedMeanBlockTimeS(g * 100)
	t.Logf("heights %d–%d: mean block time %.2f s, difficulty ×%.4f per epoch, g = %.3f%% per two weeks, Kraft %.2f s", a.height, b.height, meanBlockS, r, g*100, want)
	if math.Abs(meanBlockS-want) > 0.005*want {
		t.Errorf("mainnet mean block time %.2f s, Kraft's fixed point %.2f s", meanBlockS, want)
	}
	if meanBlockS >= 600 {
		t.Errorf("mainnet blocks averaged %.2f s; growth should make them faster than 600 s", meanBlockS)
	}
}
