package security

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// Thresholds answers Rosenfeld's ConfirmationsNeeded in O(log Z) for many
// shares at one risk, as a simulator needs once per path and day.
// Entry z−1 is q_z, the share at which z confirmations give exactly risk;
// since the probability rises with q, z confirmations suffice iff
// q < q_z. By Grunspan and Pérez-Marco's r = I_{4pq}(z, ½),
//
//	4·q_z·(1 − q_z) = I⁻¹(risk; z, ½)   ⇒   q_z = (1 − √(1 − s_z)) / 2
//
// with I⁻¹ gonum's inverse regularized incomplete beta function.
type Thresholds struct {
	Risk   float64
	shares []float64 // q_z for z = 1 … MaxZ
}

// NewThresholds tabulates q_z for z = 1 … maxZ at risk ∈ (0, 1).
func NewThresholds(risk float64, maxZ int) (*Thresholds, error) {
	if !(risk > 0 && risk < 1) {
		return nil, fmt.Errorf("risk %g not in (0, 1)", risk)
	}
	if maxZ < 1 || maxZ > 1<<16 {
		return nil, fmt.Errorf("maxZ %d not in [1, 65536]", maxZ)
	}
	t := &Thresholds{Risk: risk, shares: make([]float64, maxZ)}
	for z := 1; z <= maxZ; z++ {
		s := mathext.InvRegIncBeta(float64(z), 0.5, risk)
		t.shares[z-1] = (1 - math.Sqrt(1-s)) / 2
	}
	return t, nil
}

// MaxZ is the largest tabulated z.
func (t *Thresholds) MaxZ() int { return len(t.shares) }

// Confirmations is the smallest z ≤ MaxZ with success probability below
// Risk for share q, as ConfirmationsNeeded gives it (1 for q = 0: with
// no confirmation the paper's P is 1); a share that needs more than MaxZ,
// including every q ≥ ½, gives MaxZ + 1.
func (t *Thresholds) Confirmations(q float64) int {
	// The first z whose threshold exceeds q.
	return sort.SearchFloat64s(t.shares, math.Nextafter(q, 1)) + 1
}
