package metrics

import (
	"errors"
	"fmt"
	"math/big"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/chain"
)

// CoreDefaultBlocks is getnetworkhashps's default nblocks.
const CoreDefaultBlocks = 120

// CoreWindow resolves getnetworkhashps(nblocks, height) arguments against a
// chain whose tip is at tipHeight, as Bitcoin Core's GetNetworkHashPS
// (src/rpc/mining.cpp) does: height −1 means the tip; nblocks −1 means the
// blocks since the last retarget, lookup = height mod interval + 1; lookup
// is capped at height. The estimate reads blocks first..last. ok is false
// when Core returns 0 without reading (height 0).
func CoreWindow(tipHeight, nblocks, height, interval int64) (first, last int64, ok bool, err error) {
	if nblocks < -1 || nblocks == 0 {
		return 0, 0, false, errors.New("nblocks must be a positive number or -1")
	}
	if height < -1 || height > tipHeight {
		return 0, 0, false, fmt.Errorf("height %d out of range [0, %d] (or -1 for the tip)", height, tipHeight)
	}
	last = height
	if height == -1 {
		last = tipHeight
	}
	if last == 0 {
		return 0, 0, false, nil
	}
	lookup := nblocks
	if lookup == -1 {
		lookup = last%interval + 1
	}
	lookup = min(lookup, last)
	return last - lookup, last, true, nil
}

// NetworkHashPS is Core's getnetworkhashps over blocks first..last
// (from CoreWindow), in H/s:
//
//	hashps = (chainwork[last] − chainwork[first]) / (max t − min t)
//
// where the min and max run over the timestamps of all lookup+1 blocks,
// and 0 when they are equal. The work difference counts the lookup blocks
// after first, so over n intervals it estimates n/T, which overestimates
// the rate by n/(n−1) on average (see Estimate). Core converts the 256-bit
// work to double by summing 32-bit limbs (arith_uint256::getdouble) and
// btcd divides big.Floats; this rounds the exact quotient once, so the
// three agree to within an ulp or two. btcd's handler (rpcserver.go,
// handleGetNetworkHashPS) reads the same window and sums CalcWork over
// blocks first+1..last, which equals the chainwork difference. It differs
// from Core only on arguments Core rejects: btcd answers 0 for a height
// above the tip, takes a height below −1 as the tip and any nblocks ≤ 0 as
// −1 (TestNetworkHashPSAgainstBtcd compares the two on a real btcd).
func NetworkHashPS(blocks []chain.Block) float64 {
	if len(blocks) < 2 {
		return 0
	}
	minT, maxT := blocks[0].TimeS, blocks[0].TimeS
	for _, b := range blocks[1:] {
		minT, maxT = min(minT, b.TimeS), max(maxT, b.TimeS)
	}
	if minT == maxT {
		return 0
	}
	w := workBetween(blocks[0], blocks[len(blocks)-1])
	return w / float64(maxT-minT)
}

// workBetween is chainwork[b] − chainwork[a] in expected hashes.
func workBetween(a, b chain.Block) float64 {
	d := new(big.Int).Sub(b.ChainWork, a.ChainWork)
	f, _ := new(big.Float).SetInt(d).Float64()
	return f
}

// Estimate is a hashrate estimate over a run of blocks.
type Estimate struct {
	HashrateHs float64 `json:"hashrate_hs"`
	CILowHs    float64 `json:"ci_low_hs"`
	CIHighHs   float64 `json:"ci_high_hs"`
	Confidence float64 `json:"confidence"`
	Blocks     int64   `json:"blocks"` // intervals n
	FromHeight int64   `json:"from_height"`
	ToHeight   int64   `json:"to_height"`
	SpanS      int64   `json:"span_s"`
}

// Unbiased estimates the hashrate over blocks first..last from the
// wall-clock span between them. With n = last − first intervals, total work
// W = chainwork[last] − chainwork[first] and span T = t_last − t_first:
//
//	hashrate = (W/n) · (n − 1)/T                        H/s
//
// Block intervals at hashrate h are exponential with rate h/w, so T is
// Gamma(n, h/w̄) and E[1/T] = (h/w̄)/(n−1): this estimator is unbiased,
// where getnetworkhashps's W/T is high by n/(n−1). The confidence interval
// is exact: T·h/w̄ ~ Gamma(n, 1), so with q the Gamma(n, 1) quantiles,
//
//	[ (W/n)·q((1−c)/2)/T , (W/n)·q((1+c)/2)/T ]        H/s
//
// Both are exact at constant difficulty; across a retarget w̄ is the mean
// work per block, a close approximation. Header timestamps are miners'
// claims (±2 h); over short spans they can make T ≤ 0, an error here.
func Unbiased(blocks []chain.Block, confidence float64) (Estimate, error) {
	if len(blocks) < 3 {
		return Estimate{}, fmt.Errorf("need at least 3 blocks, have %d", len(blocks))
	}
	if !(confidence > 0 && confidence < 1) {
		return Estimate{}, fmt.Errorf("confidence %g not in (0, 1)", confidence)
	}
	first, last := blocks[0], blocks[len(blocks)-1]
	n := float64(last.Height - first.Height)
	spanS := last.TimeS - first.TimeS
	if spanS <= 0 {
		return Estimate{}, fmt.Errorf("blocks %d..%d: timestamps span %d s; use more blocks", first.Height, last.Height, spanS)
	}
	perBlock := workBetween(first, last) / n
	t := float64(spanS)
	g := distuv.Gamma{Alpha: n, Beta: 1}
	return Estimate{
		HashrateHs: perBlock * (n - 1) / t,
		CILowHs:    perBlock * g.Quantile((1-confidence)/2) / t,
		CIHighHs:   perBlock * g.Quantile((1+confidence)/2) / t,
		Confidence: confidence,
		Blocks:     int64(n),
		FromHeight: first.Height,
		ToHeight:   last.Height,
		SpanS:      spanS,
	}, nil
}
