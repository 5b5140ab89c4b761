package security

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// nakamotoTable is the Bitcoin paper's section 11 output, printed to 7
// decimals (bitcoin.pdf p. 8; reproduced verbatim at e.g.
// satoshism.org/bitcoin-white-paper).
var nakamotoTable = []struct {
	q float64
	z int
	p string
}{
	{0.1, 0, "1.0000000"}, {0.1, 1, "0.2045873"}, {0.1, 2, "0.0509779"},
	{0.1, 3, "0.0131722"}, {0.1, 4, "0.0034552"}, {0.1, 5, "0.0009137"},
	{0.1, 6, "0.0002428"}, {0.1, 7, "0.0000647"}, {0.1, 8, "0.0000173"},
	{0.1, 9, "0.0000046"}, {0.1, 10, "0.0000012"},
	{0.3, 0, "1.0000000"}, {0.3, 5, "0.1773523"}, {0.3, 10, "0.0416605"},
	{0.3, 15, "0.0101008"}, {0.3, 20, "0.0024804"}, {0.3, 25, "0.0006132"},
	{0.3, 30, "0.0001522"}, {0.3, 35, "0.0000379"}, {0.3, 40, "0.0000095"},
	{0.3, 45, "0.0000024"}, {0.3, 50, "0.0000006"},
}

func TestNakamotoAgainstPaperTable(t *testing.T) {
	for _, c := range nakamotoTable {
		got, err := Nakamoto.P(c.q, c.z)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%.7f", got); s != c.p {
			t.Errorf("Nakamoto q=%g z=%d: %s, paper prints %s", c.q, c.z, s, c.p)
		}
	}
}

// The paper's "Solving for P less than 0.1%" table.
func TestNakamotoConfirmationsForPBelow0001(t *testing.T) {
	want := map[float64]int{0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}
	for q, z := range want {
		got, err := Nakamoto.ConfirmationsNeeded(q, 0.001)
		if err != nil {
			t.Fatal(err)
		}
		if got != z {
			t.Errorf("Nakamoto q=%g: z=%d, paper prints %d", q, got, z)
		}
	}
}

// rosenfeldClosedForm is Rosenfeld's printed form
// 1 − Σ_{m=0..z} C(m+z−1, m)(p^z q^m − q^z p^m), evaluated directly in
// float64: written independently of the package's log-space series, and
// accurate while the result is well above the cancellation floor (~1e−13).
func rosenfeldClosedForm(q float64, z int) float64 {
	p := 1 - q
	if z == 0 || q >= p {
		return 1
	}
	s := 0.0
	for m := 0; m <= z; m++ {
		s += binom(m+z-1, m) * (math.Pow(p, float64(z))*math.Pow(q, float64(m)) - math.Pow(q, float64(z))*math.Pow(p, float64(m)))
	}
	return 1 - s
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func TestRosenfeldAgainstClosedFormAndIncompleteBeta(t *testing.T) {
	for _, q := range []float64{0.01, 0.1, 0.25, 0.3, 0.4, 0.45, 0.49} {
		for _, z := range []int{1, 2, 3, 6, 10, 24, 60} {
			got, err := Rosenfeld.P(q, z)
			if err != nil {
				t.Fatal(err)
			}
			// Grunspan & Pérez-Marco (2017), Theorem 1: P = I_{4pq}(z, 1/2).
			beta := mathext.RegIncBeta(float64(z), 0.5, 4*q*(1-q))
			if math.Abs(got-beta) > 1e-10*beta {
				t.Errorf("Rosenfeld q=%g z=%d: %.15g, I_{4pq}(z,1/2) = %.15g", q, z, got, beta)
			}
			if cf := rosenfeldClosedForm(q, z); cf > 1e-6 && math.Abs(got-cf) > 1e-9*cf {
				t.Errorf("Rosenfeld q=%g z=%d: %.15g, closed form %.15g", q, z, got, cf)
			}
		}
	}
	// z = 1: the attacker wins iff its next block comes first or it
	// catches up from one behind, 2q exactly.
	if got, _ := Rosenfeld.P(0.1, 1); math.Abs(got-0.2) > 1e-15 {
		t.Errorf("Rosenfeld q=0.1 z=1 = %.17g, want 0.2", got)
	}
}

// At z = 1000 the probabilities are far below float64's range for small
// q; the log-space series must still agree with the incomplete beta
// function where that is representable, and with its leading asymptotic
// term (Grunspan & Pérez-Marco: P ~ (4pq)^z / √(πz(1−s)) with s = 4pq)
// where it is not.
func TestRosenfeldAtZ1000(t *testing.T) {
	z := 1000
	for _, q := range []float64{0.3, 0.4, 0.45} {
		l, _ := Rosenfeld.LogP(q, z)
		beta := mathext.RegIncBeta(float64(z), 0.5, 4*q*(1-q))
		if beta > 1e-300 && math.Abs(math.Exp(l)-beta) > 1e-9*beta {
			t.Errorf("q=%g z=1000: exp(LogP)=%g, I=%g", q, math.Exp(l), beta)
		}
	}
	for _, q := range []float64{0.01, 0.1, 0.2} {
		l, _ := Rosenfeld.LogP(q, z)
		s := 4 * q * (1 - q)
		asym := float64(z)*math.Log(s) - 0.5*math.Log(math.Pi*float64(z)*(1-s))
		// The next asymptotic term is O(1/z): allow 1%.
		if math.Abs(l-asym) > 0.01 {
			t.Errorf("q=%g z=1000: log P = %.6f, asymptote %.6f", q, l, asym)
		}
		if math.IsInf(l, 0) || math.IsNaN(l) {
			t.Errorf("q=%g z=1000: log P = %g", q, l)
		}
	}
}

// Rosenfeld's exact model always asks for at least Nakamoto's
// confirmations; the figures are those of Grunspan & Pérez-Marco's
// "Double spend races" (2017) table for P < 0.1% as recalled — the table
// could not be found verbatim in the reference corpus, so the
// independent check of the numbers is the incomplete beta function above.
func TestRosenfeldConfirmationsForPBelow0001(t *testing.T) {
	want := map[float64]int{0.10: 6, 0.15: 9, 0.20: 13, 0.25: 20, 0.30: 32, 0.35: 58, 0.40: 133, 0.45: 539}
	for q, z := range want {
		got, err := Rosenfeld.ConfirmationsNeeded(q, 0.001)
		if err != nil {
			t.Fatal(err)
		}
		if got != z {
			t.Errorf("Rosenfeld q=%g: z=%d, want %d", q, got, z)
		}
		nz, _ := Nakamoto.ConfirmationsNeeded(q, 0.001)
		if got < nz {
			t.Errorf("q=%g: Rosenfeld %d < Nakamoto %d", q, got, nz)
		}
	}
}

func TestShareNeededInvertsP(t *testing.T) {
	for _, m := range []Model{Nakamoto, Rosenfeld} {
		for _, z := range []int{1, 6, 100} {
			q, err := m.ShareNeeded(z, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := m.P(q, z)
			if math.Abs(p-0.01) > 1e-6 {
				t.Errorf("%s z=%d: P(ShareNeeded)=%g, want 0.01", m, z, p)
			}
		}
	}
}

func TestBadInputs(t *testing.T) {
	if _, err := Nakamoto.LogP(-0.1, 3); err == nil {
		t.Error("negative share accepted")
	}
	if _, err := Rosenfeld.LogP(0.1, -1); err == nil {
		t.Error("negative z accepted")
	}
	if _, err := Model("x").LogP(0.1, 1); err == nil {
		t.Error("unknown model accepted")
	}
	if _, err := Rosenfeld.ConfirmationsNeeded(0.5, 0.001); err == nil {
		t.Error("q = 0.5 has no answer")
	}
	if _, err := Rosenfeld.ConfirmationsNeeded(0.1, 0); err == nil {
		t.Error("risk 0 accepted")
	}
	if p, _ := Rosenfeld.P(0.6, 10); p != 1 {
		t.Errorf("majority attacker: P=%g, want 1", p)
	}
	if p, _ := Nakamoto.P(0, 10); p != 0 {
		t.Errorf("no attacker: P=%g, want 0", p)
	}
}
