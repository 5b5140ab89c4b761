package sim

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nodaBenchRuns is how many 12,096-block runs of noda-btc the peer does per
// benchmark iteration; hashfall does nodaBenchRepeat times as many, so that
// its share of the iteration is long enough to time.
const nodaBenchRuns, nodaBenchRepeat = 5, 200

// threadCPU returns the CPU time the calling OS thread has used; the caller
// holds runtime.LockOSThread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hashfallNoda runs paths of m on one goroutine and returns the blocks
// simulated, the wall time and the thread's CPU time.
func hashfallNoda(m *NodaModel, seed uint64, paths int) (int64, time.Duration, time.Duration) {
	out := make([]NodaPathStats, paths)
	bb := newNodaBatchBuf(m)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	began, cpu := time.Now(), threadCPU()
	nodaPaths(m, seed, 0, paths, out, bb)
	elapsed, cpu := time.Since(began), threadCPU()-cpu
	var blocks int64
	for _, st := range out {
		blocks += int64(st.Simulated)
	}
	return blocks, elapsed, cpu
}

// timeNodaFloor runs nodaFloor for at least blocks blocks (whole rows of
// nodaBatch draws) on a locked thread and returns the blocks, their sum,
// and the wall and CPU time.
func timeNodaFloor(m *NodaModel, seed uint64, blocks int64) (int64, float64, time.Duration, time.Duration) {
	var st [nodaBatchGroups]nodaStreams4
	for l := range nodaBatch {
		st[l/nodaGroupLanes].load(l%nodaGroupLanes, nodaStream(seed, uint64(l)))
	}
	exps := make([]float64, nodaExpChunk*nodaBatch)
	k := newNodaChainConsts(m)
	rows := int((blocks + nodaBatch - 1) / nodaBatch)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	began, cpu := time.Now(), threadCPU()
	sum := nodaFloor(&st, exps, k, rows)
	return int64(rows) * nodaBatch, sum, time.Since(began), threadCPU() - cpu
}

// BenchmarkNodaSideBySide times, in the same iteration, the peer simulator
// (nodaBenchRuns runs of noda-btc, 12,096 blocks each, its own numpy
// random numbers, timed inside Python so the interpreter's start-up is
// excluded), hashfall on the same model and run length on one goroutine,
// and the floor loop for as many blocks as hashfall simulated. It reports
// blocks/s for each by wall time, hashfall's speed-up over the peer and its
// fraction of the floor, and the same two ratios by CPU time (the process's
// for the peer, the locked thread's for hashfall and the floor), which a
// machine shared with other jobs disturbs less.
func BenchmarkNodaSideBySide(b *testing.B) {
	python, dir := nodaPeer(b)
	m := nodaScenario(b, "noda-btc").Noda
	var peerBlocks, hfBlocks, floorBlocks int64
	var peerS, peerCPU, hfS, hfCPU, floorS, floorCPU float64
	sink := 0.0
	seed := uint64(0)
	for b.Loop() {
		out, err := exec.Command(python, filepath.Join("testdata", "noda_peer.py"), dir, "bench", m.Rule, strconv.Itoa(m.Length), strconv.Itoa(nodaBenchRuns)).Output()
		if err != nil {
			b.Fatalf("peer: %v", err)
		}
		f := strings.Fields(string(out))
		if len(f) != 3 {
			b.Fatalf("peer printed %q", out)
		}
		n, err1 := strconv.ParseInt(f[0], 10, 64)
		s, err2 := strconv.ParseFloat(f[1], 64)
		c, err3 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			b.Fatalf("peer printed %q", out)
		}
		peerBlocks += n
		peerS += s
		peerCPU += c
		seed++
		blocks, d, cpu := hashfallNoda(&m, seed, nodaBenchRuns*nodaBenchRepeat)
		hfBlocks += blocks
		hfS += d.Seconds()
		hfCPU += cpu.Seconds()
		fb, v, fd, fc := timeNodaFloor(&m, seed, blocks)
		sink += v
		floorBlocks += fb
		floorS += fd.Seconds()
		floorCPU += fc.Seconds()
	}
	peer, hf, floor := float64(peerBlocks)/peerS, float64(hfBlocks)/hfS, float64(floorBlocks)/floorS
	b.ReportMetric(peer, "peer_blocks/s")
	b.ReportMetric(hf, "hashfall_blocks/s")
	b.ReportMetric(floor, "floor_blocks/s")
	b.ReportMetric(hf/peer, "x_peer")
	b.ReportMetric(hf/floor, "of_floor")
	peerC, hfC, floorC := float64(peerBlocks)/peerCPU, float64(hfBlocks)/hfCPU, float64(floorBlocks)/floorCPU
	b.ReportMetric(hfC/peerC, "x_peer_cpu")
	b.ReportMetric(hfC/floorC, "of_floor_cpu")
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
		n, _, _ := hashfallNoda(&m, seed, 10*nodaBatch)
		blocks += n
	}
	b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
}

// BenchmarkNodaFloor is the floor loop alone, per block.
func BenchmarkNodaFloor(b *testing.B) {
	m := nodaScenario(b, "noda-btc").Noda
	sink := 0.0
	var blocks int64
	for b.Loop() {
		n, v, _, _ := timeNodaFloor(&m, 1, 160*1024)
		blocks += n
		sink += v
	}
	b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
	if sink == 0 {
		b.Log(sink)
	}
}
