package sim

import (
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nodaBenchRuns is how many 12,096-block runs of noda-btc the peer does per
// benchmark iteration; hashfall does nodaBenchRepeat times as many, so that
// its share of the iteration is long enough to time.
const nodaBenchRuns, nodaBenchRepeat = 5, 200

// hashfallNoda runs paths of m on one goroutine and returns the blocks
// simulated and the time taken.
func hashfallNoda(m *NodaModel, seed uint64, paths int) (int64, time.Duration) {
	out := make([]NodaPathStats, paths)
	runs := newNodaLaneRuns(m)
	began := time.Now()
	nodaPaths(m, seed, 0, paths, out, runs)
	elapsed := time.Since(began)
	var blocks int64
	for _, st := range out {
		blocks += int64(st.Simulated)
	}
	return blocks, elapsed
}

// nodaFloor is the model's floor: per block one Exp(1) variate and one
// sigmoid, with the primitives the model uses (the ziggurat's fast path
// written out, expFast), summed so that nothing is optimised away; it
// returns the time for n blocks.
func nodaFloor(src *rand.PCG, n int) (float64, time.Duration) {
	buf := make([]float64, nodaChunk)
	began := time.Now()
	sum := 0.0
	for done := 0; done < n; done += len(buf) {
		buf = buf[:min(nodaChunk, n-done)]
		fillExp(src, buf)
		for _, e := range buf {
			sum += e * (1 + expFast(1-e))
		}
	}
	return sum, time.Since(began)
}

// BenchmarkNodaSideBySide times, in the same iteration, the peer simulator
// (nodaBenchRuns runs of noda-btc, 12,096 blocks each, its own numpy
// random numbers, timed inside Python so the interpreter's start-up is
// excluded), hashfall on the same model and run length on one goroutine,
// and the floor loop for as many blocks as hashfall simulated. It reports
// each in blocks/s, hashfall's speed-up over the peer and its fraction of
// the floor.
func BenchmarkNodaSideBySide(b *testing.B) {
	python, dir := nodaPeer(b)
	m := nodaScenario(b, "noda-btc").Noda
	var peerBlocks, hfBlocks, floorBlocks int64
	var peerS, hfS, floorS float64
	src := rand.NewPCG(1, 2)
	sink := 0.0
	seed := uint64(0)
	for b.Loop() {
		out, err := exec.Command(python, filepath.Join("testdata", "noda_peer.py"), dir, "bench", m.Rule, strconv.Itoa(m.Length), strconv.Itoa(nodaBenchRuns)).Output()
		if err != nil {
			b.Fatalf("peer: %v", err)
		}
		f := strings.Fields(string(out))
		n, err1 := strconv.ParseInt(f[0], 10, 64)
		s, err2 := strconv.ParseFloat(f[1], 64)
		if len(f) != 2 || err1 != nil || err2 != nil {
			b.Fatalf("peer printed %q", out)
		}
		peerBlocks += n
		peerS += s
		seed++
		blocks, d := hashfallNoda(&m, seed, nodaBenchRuns*nodaBenchRepeat)
		hfBlocks += blocks
		hfS += d.Seconds()
		v, fd := nodaFloor(src, int(blocks))
		sink += v
		floorBlocks += blocks
		floorS += fd.Seconds()
	}
	peer, hf, floor := float64(peerBlocks)/peerS, float64(hfBlocks)/hfS, float64(floorBlocks)/floorS
	b.ReportMetric(peer, "peer_blocks/s")
	b.ReportMetric(hf, "hashfall_blocks/s")
	b.ReportMetric(hf/peer, "x_peer")
	b.ReportMetric(floor, "floor_blocks/s")
	b.ReportMetric(hf/floor, "of_floor")
	if sink == 0 {
		b.Log(sink)
	}
}

// BenchmarkNodaBTC is hashfall alone on noda-btc, one goroutine, for profiles.
func BenchmarkNodaBTC(b *testing.B) {
	m := nodaScenario(b, "noda-btc").Noda
	var blocks int64
	seed := uint64(0)
	for b.Loop() {
		seed++
		n, _ := hashfallNoda(&m, seed, 16)
		blocks += n
	}
	b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
}

// BenchmarkNodaFloor is the floor loop alone, per block.
func BenchmarkNodaFloor(b *testing.B) {
	src := rand.NewPCG(1, 2)
	sink := 0.0
	for b.Loop() {
		v, _ := nodaFloor(src, 12096)
		sink += v
	}
	b.ReportMetric(float64(b.N*12096)/b.Elapsed().Seconds(), "blocks/s")
	if sink == 0 {
		b.Log(sink)
	}
}
