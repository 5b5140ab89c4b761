package power

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// OperatingPoint is one power target a machine's firmware offers.
type OperatingPoint struct {
	Name        string  `json:"name" yaml:"name"`
	PowerW      float64 `json:"power_w" yaml:"power_w"`           // wall power per machine, W
	HashrateTHs float64 `json:"hashrate_ths" yaml:"hashrate_ths"` // per machine, TH/s
	// Source cites where the figures come from; empty means ASSUMED.
	Source string `json:"source,omitempty" yaml:"source"`
}

// Class is Count identical machines scheduled together.
type Class struct {
	Name   string
	Count  int
	Points []OperatingPoint
	// FlatOut indexes Points: the point "running flat out" means (the
	// nameplate), the baseline of credits and savings.
	FlatOut int
	PUE     float64 // facility/IT power; 0 means 1
	// MinOnIntervals and MinOffIntervals: once switched on (any point) a
	// class stays on at least this many intervals, and off likewise.
	// Changing points while on is free. 0 means 1.
	MinOnIntervals, MinOffIntervals int
	// HashpriceUSDPerPHDay is the gross hashprice; PoolFeePct comes off it.
	HashpriceUSDPerPHDay float64
	PoolFeePct           float64
	// HostingUSDPerMWh is paid per MWh drawn on top of energy.
	HostingUSDPerMWh float64
	// CreditUSDPerMWh is paid in every interval per MWh not drawn below the
	// flat-out draw (a curtailment contract).
	CreditUSDPerMWh float64
}

// Market is what the schedule runs against.
type Market struct {
	Prices Series
	// PeakProbability[i] is the probability that interval i is one of the
	// year's four coincident peaks (4CP); nil means none.
	PeakProbability []float64
	// TransmissionUSDPerKWYear is the 4CP transmission rate: the year's
	// charge is this times the mean of the site's kW in the four peaks.
	TransmissionUSDPerKWYear float64
	// DemandResponseUSDPerMWh[i] is the credit a called demand-response
	// event pays in interval i per MWh not drawn below flat out; nil means none.
	DemandResponseUSDPerMWh []float64
	// RampMWPerInterval limits the change of the site's facility draw from
	// one interval to the next; 0 means no limit.
	RampMWPerInterval float64
}

// FacilityMW is the class's draw at point j (−1 = off) at the meter:
// count · W · PUE / 1e6.
func (c Class) FacilityMW(j int) float64 {
	if j < 0 {
		return 0
	}
	return float64(c.Count) * c.Points[j].PowerW * c.pue() / 1e6
}

func (c Class) pue() float64 {
	if c.PUE <= 0 {
		return 1
	}
	return c.PUE
}

// RevenueUSDPerHour is what the class earns per hour at point j, net of
// the pool fee: count · TH/s / 1000 · hashprice · (1 − fee%/100) / 24.
func (c Class) RevenueUSDPerHour(j int) float64 {
	if j < 0 {
		return 0
	}
	return float64(c.Count) * c.Points[j].HashrateTHs / 1000 * c.HashpriceUSDPerPHDay * (1 - c.PoolFeePct/100) / 24
}

// StrikeUSDPerMWh is the energy price above which running at point j
// pays less than switching off, with no 4CP or demand-response event:
//
//	strike = revenue/h / MW − hosting − credit·MW_flat/MW     (USD/MWh)
func (c Class) StrikeUSDPerMWh(j int) float64 {
	mw := c.FacilityMW(j)
	if mw <= 0 {
		return 0
	}
	return c.RevenueUSDPerHour(j)/mw - c.HostingUSDPerMWh - c.CreditUSDPerMWh*math.Max(0, c.FacilityMW(c.FlatOut))/mw
}

// Validate rejects a class the optimiser cannot schedule.
func (c Class) Validate() error {
	switch {
	case c.Count <= 0:
		return fmt.Errorf("class %s: count %d, want > 0", c.Name, c.Count)
	case len(c.Points) == 0 || len(c.Points) > 8:
		return fmt.Errorf("class %s: %d operating points, want 1..8", c.Name, len(c.Points))
	case c.FlatOut < 0 || c.FlatOut >= len(c.Points):
		return fmt.Errorf("class %s: flat-out point %d out of range", c.Name, c.FlatOut)
	case c.MinOnIntervals > 96 || c.MinOffIntervals > 96:
		return fmt.Errorf("class %s: minimum on/off time above 96 intervals", c.Name)
	}
	for _, p := range c.Points {
		if !(p.PowerW > 0) || !(p.HashrateTHs > 0) || math.IsInf(p.PowerW, 0) || math.IsInf(p.HashrateTHs, 0) {
			return fmt.Errorf("class %s: operating point %q needs power_w > 0 and hashrate_ths > 0", c.Name, p.Name)
		}
	}
	return nil
}

// classCoef holds a class's per-point constants for one interval
// length: revenue (USD), facility MW and MW not drawn below flat out.
type classCoef struct {
	rev, mw, credMW []float64 // per point incl. off at 0
}

func coefOf(c Class, dtH float64) classCoef {
	n := len(c.Points) + 1
	k := classCoef{rev: make([]float64, n), mw: make([]float64, n), credMW: make([]float64, n)}
	flat := c.FacilityMW(c.FlatOut)
	for j := -1; j < len(c.Points); j++ {
		k.rev[j+1] = c.RevenueUSDPerHour(j) * dtH
		k.mw[j+1] = c.FacilityMW(j)
		k.credMW[j+1] = math.Max(0, flat-c.FacilityMW(j))
	}
	return k
}

// values fills v[j+1] (v[0] = off) with the class's profit in
// interval i at each point, in USD:
//
//	profit = rev/h·Δh − MW·Δh·(price + hosting)
//	       + max(0, MW_flat − MW)·Δh·(credit + DR_i)
//	       − p_i · 1000·MW · rate/4
//
// The last term is the expected 4CP charge: the year's transmission bill
// is rate × mean kW over four peaks, so each peak adds rate/4 per kW.
func (k classCoef) values(v []float64, c Class, m *Market, i int, dtH float64) {
	price := m.Prices.USDPerMWh[i]
	credit := c.CreditUSDPerMWh
	if m.DemandResponseUSDPerMWh != nil {
		credit += m.DemandResponseUSDPerMWh[i]
	}
	var cp float64
	if m.PeakProbability != nil {
		cp = m.PeakProbability[i] * 1000 * m.TransmissionUSDPerKWYear / 4
	}
	for j := range v {
		v[j] = k.rev[j] - k.mw[j]*dtH*(price+c.HostingUSDPerMWh) + k.credMW[j]*dtH*credit - cp*k.mw[j]
	}
}

// states enumerates a class's DP states: off with τ = 1..MinOff intervals
// off (τ capped at MinOff), then for each point on with τ = 1..MinOn
// intervals on (capped). point[s] is the point index, −1 for off.
type states struct {
	point []int
	preds [][]int
	// settled[s] marks the states the class may start in: off or on long
	// enough that any move is allowed.
	settled []bool
	// group[s] indexes groups, the distinct predecessor lists: every point
	// at the same time-on shares one, so without a ramp check the best
	// predecessor is found once per group, not once per state.
	group  []int
	groups [][]int
}

func stateSpace(c Class) states {
	mon, moff := max(c.MinOnIntervals, 1), max(c.MinOffIntervals, 1)
	P := len(c.Points)
	var st states
	off := func(tau int) int { return tau - 1 }
	on := func(j, tau int) int { return moff + j*mon + tau - 1 }
	n := moff + P*mon
	st.point = make([]int, n)
	st.preds = make([][]int, n)
	st.settled = make([]bool, n)
	for tau := 1; tau <= moff; tau++ {
		s := off(tau)
		st.point[s] = -1
		st.settled[s] = tau == moff
		switch {
		case tau == 1:
			for j := 0; j < P; j++ {
				st.preds[s] = append(st.preds[s], on(j, mon))
			}
			if moff == 1 {
				st.preds[s] = append(st.preds[s], off(1))
			}
		case tau < moff:
			st.preds[s] = []int{off(tau - 1)}
		default:
			st.preds[s] = []int{off(tau - 1), off(tau)}
		}
	}
	for j := 0; j < P; j++ {
		for tau := 1; tau <= mon; tau++ {
			s := on(j, tau)
			st.point[s] = j
			st.settled[s] = tau == mon
			if tau == 1 {
				st.preds[s] = append(st.preds[s], off(moff))
			}
			if tau > 1 {
				for i := 0; i < P; i++ {
					st.preds[s] = append(st.preds[s], on(i, tau-1))
				}
			}
			if tau == mon {
				for i := 0; i < P; i++ {
					st.preds[s] = append(st.preds[s], on(i, mon))
				}
			}
		}
	}
	seen := map[string]int{}
	st.group = make([]int, n)
	for s, p := range st.preds {
		key := fmt.Sprint(p)
		g, ok := seen[key]
		if !ok {
			g = len(st.groups)
			seen[key] = g
			st.groups = append(st.groups, p)
		}
		st.group[s] = g
	}
	return st
}

// rampCheck says whether a class may move from point a at interval i−1 to
// point b at i, given the draw of the classes already scheduled.
type rampCheck func(i, a, b int) bool

// solveClass is the Viterbi DP over (point, time-in-state) for one class:
// V_i(s) = value_i(point(s)) + max over feasible predecessors V_{i−1}(s').
// It writes the best point per interval (−1 = off) into out and returns
// the schedule's profit. back is scratch of len ≥ T·|states|.
func solveClass(c Class, st states, k classCoef, m *Market, dtH float64, ok rampCheck, out []int, back []uint8) float64 {
	T := len(m.Prices.USDPerMWh)
	S := len(st.point)
	vprev, vcur := make([]float64, S), make([]float64, S)
	val := make([]float64, len(c.Points)+1)
	negInf := math.Inf(-1)
	k.values(val, c, m, 0, dtH)
	for s := 0; s < S; s++ {
		vprev[s] = negInf
		if st.settled[s] {
			vprev[s] = val[st.point[s]+1]
		}
	}
	gbest, garg := make([]float64, len(st.groups)), make([]uint8, len(st.groups))
	for i := 1; i < T; i++ {
		k.values(val, c, m, i, dtH)
		row := back[i*S : (i+1)*S]
		if ok == nil {
			for g, preds := range st.groups {
				best, arg := negInf, 0
				for _, p := range preds {
					if vprev[p] > best {
						best, arg = vprev[p], p
					}
				}
				gbest[g], garg[g] = best, uint8(arg)
			}
			for s := 0; s < S; s++ {
				g := st.group[s]
				vcur[s] = gbest[g] + val[st.point[s]+1]
				row[s] = garg[g]
			}
			vprev, vcur = vcur, vprev
			continue
		}
		for s := 0; s < S; s++ {
			best, arg := negInf, 0
			for _, p := range st.preds[s] {
				if vprev[p] > best && (ok == nil || ok(i, st.point[p], st.point[s])) {
					best, arg = vprev[p], p
				}
			}
			vcur[s] = best + val[st.point[s]+1]
			row[s] = uint8(arg)
		}
		vprev, vcur = vcur, vprev
	}
	best, arg := negInf, 0
	for s := 0; s < S; s++ {
		if vprev[s] > best {
			best, arg = vprev[s], s
		}
	}
	for i := T - 1; i >= 0; i-- {
		out[i] = st.point[arg]
		if i > 0 {
			arg = int(back[i*S+arg])
		}
	}
	return best
}

// Schedule is the optimiser's answer: Points[k][i] is class k's point in
// interval i, −1 when off.
type Schedule struct {
	Points [][]int
	// Method is how the ramp limit was met: "independent" (the classes'
	// separate optima already meet it, so they are jointly optimal),
	// "joint" (exact DP over the product of class states, small sites
	// only) or "merit-order" (classes solved one by one in descending
	// strike order, each within the ramp room the earlier ones left;
	// feasible, not proven optimal).
	Method string
	// Exact is true when the schedule is proven optimal for the model.
	Exact bool
	// ProfitUSD is the schedule's profit; UpperBoundUSD is the profit with
	// the ramp limit relaxed (equal when exact or unconstrained).
	ProfitUSD, UpperBoundUSD float64
}

// maxJointWork bounds the exact joint DP: intervals × joint transitions
// (a var so tests can force the merit-order path).
var maxJointWork = 20_000_000

// Optimise schedules every class against the market, maximising total
// profit subject to each class's minimum on/off times and the site ramp
// limit. The DP for one class is exact; without a binding ramp limit the
// classes do not interact, so the per-class optima are jointly optimal.
// When the ramp binds, the exact joint DP runs if the product state
// space is small, otherwise the merit-order heuristic; either result is
// never worse than running every class flat out (which meets any ramp
// limit), and is replaced by flat out if it were.
func Optimise(classes []Class, m *Market) (Schedule, error) {
	T := len(m.Prices.USDPerMWh)
	if T == 0 {
		return Schedule{}, fmt.Errorf("no price intervals")
	}
	if m.PeakProbability != nil && len(m.PeakProbability) != T || m.DemandResponseUSDPerMWh != nil && len(m.DemandResponseUSDPerMWh) != T {
		return Schedule{}, fmt.Errorf("4CP or demand-response series does not match the %d price intervals", T)
	}
	if m.RampMWPerInterval < 0 || math.IsNaN(m.RampMWPerInterval) {
		return Schedule{}, fmt.Errorf("ramp limit %g MW per interval, want ≥ 0", m.RampMWPerInterval)
	}
	dtH := m.Prices.Hours()
	sts := make([]states, len(classes))
	coefs := make([]classCoef, len(classes))
	maxS := 0
	for k, c := range classes {
		if err := c.Validate(); err != nil {
			return Schedule{}, err
		}
		sts[k] = stateSpace(c)
		coefs[k] = coefOf(c, dtH)
		maxS = max(maxS, len(sts[k].point))
	}
	sch := Schedule{Points: make([][]int, len(classes)), Method: "independent", Exact: true}
	// Without the ramp the classes are independent: solve them on all
	// cores, each worker with its own back-pointer table.
	profits := make([]float64, len(classes))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(classes)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			back := make([]uint8, T*maxS)
			for k := range next {
				sch.Points[k] = make([]int, T)
				profits[k] = solveClass(classes[k], sts[k], coefs[k], m, dtH, nil, sch.Points[k], back)
			}
		}()
	}
	for k := range classes {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, p := range profits {
		sch.ProfitUSD += p
	}
	sch.UpperBoundUSD = sch.ProfitUSD
	if m.RampMWPerInterval == 0 || rampOK(classes, sch.Points, m.RampMWPerInterval) {
		return sch, nil
	}
	if joint, ok := solveJoint(classes, sts, coefs, m, dtH); ok {
		joint.UpperBoundUSD = sch.UpperBoundUSD
		return joint, nil
	}
	mo := meritOrder(classes, sts, coefs, m, dtH, make([]uint8, T*maxS))
	mo.UpperBoundUSD = sch.UpperBoundUSD
	flat := flatOut(classes, T)
	if fp := Profit(classes, m, flat); fp > mo.ProfitUSD {
		mo.Points, mo.ProfitUSD = flat, fp
	}
	return mo, nil
}

func flatOut(classes []Class, T int) [][]int {
	out := make([][]int, len(classes))
	for k, c := range classes {
		out[k] = make([]int, T)
		for i := range out[k] {
			out[k][i] = c.FlatOut
		}
	}
	return out
}

// rampTolerance absorbs float rounding in sums of MW.
const rampTolerance = 1e-9

func siteMW(classes []Class, pts [][]int, i int) float64 {
	var s float64
	for k, c := range classes {
		s += c.FacilityMW(pts[k][i])
	}
	return s
}

func rampOK(classes []Class, pts [][]int, ramp float64) bool {
	if ramp == 0 || len(classes) == 0 {
		return true
	}
	prev := siteMW(classes, pts, 0)
	for i := 1; i < len(pts[0]); i++ {
		cur := siteMW(classes, pts, i)
		if math.Abs(cur-prev) > ramp+rampTolerance {
			return false
		}
		prev = cur
	}
	return true
}

// Profit evaluates a schedule under the model (USD).
func Profit(classes []Class, m *Market, pts [][]int) float64 {
	dtH := m.Prices.Hours()
	var total float64
	for k, c := range classes {
		coef := coefOf(c, dtH)
		v := make([]float64, len(c.Points)+1)
		for i := range m.Prices.USDPerMWh {
			coef.values(v, c, m, i, dtH)
			total += v[pts[k][i]+1]
		}
	}
	return total
}

func meritOrder(classes []Class, sts []states, coefs []classCoef, m *Market, dtH float64, back []uint8) Schedule {
	T := len(m.Prices.USDPerMWh)
	order := make([]int, len(classes))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := classes[order[a]], classes[order[b]]
		return ca.StrikeUSDPerMWh(ca.FlatOut) > cb.StrikeUSDPerMWh(cb.FlatOut)
	})
	base := make([]float64, T) // draw of the classes scheduled so far
	sch := Schedule{Points: make([][]int, len(classes)), Method: "merit-order"}
	R := m.RampMWPerInterval + rampTolerance
	for _, k := range order {
		c := classes[k]
		ok := func(i, a, b int) bool {
			return math.Abs(base[i]+c.FacilityMW(b)-base[i-1]-c.FacilityMW(a)) <= R
		}
		sch.Points[k] = make([]int, T)
		sch.ProfitUSD += solveClass(c, sts[k], coefs[k], m, dtH, ok, sch.Points[k], back)
		for i := range base {
			base[i] += c.FacilityMW(sch.Points[k][i])
		}
	}
	return sch
}

// solveJoint is the exact DP over the product of the classes' state
// spaces, the site ramp checked on every joint transition. It declines
// (ok = false) when T × joint transitions exceeds maxJointWork.
func solveJoint(classes []Class, sts []states, coefs []classCoef, m *Market, dtH float64) (Schedule, bool) {
	T := len(m.Prices.USDPerMWh)
	K := len(classes)
	S := 1
	work := 1
	for _, st := range sts {
		var tr int
		for _, p := range st.preds {
			tr += len(p)
		}
		S *= len(st.point)
		work *= tr
		if S > 1<<16 || work*T > maxJointWork {
			return Schedule{}, false
		}
	}
	decode := func(x int, dst []int) {
		for k := K - 1; k >= 0; k-- {
			n := len(sts[k].point)
			dst[k] = x % n
			x /= n
		}
	}
	mwOf := make([]float64, S)
	settled := make([]bool, S)
	tuple := make([]int, K)
	for x := 0; x < S; x++ {
		decode(x, tuple)
		settled[x] = true
		for k, s := range tuple {
			mwOf[x] += classes[k].FacilityMW(sts[k].point[s])
			settled[x] = settled[x] && sts[k].settled[s]
		}
	}
	// Joint predecessors: every combination of per-class predecessors.
	preds := make([][]int, S)
	for x := 0; x < S; x++ {
		decode(x, tuple)
		combos := []int{0}
		for k, s := range tuple {
			n := len(sts[k].point)
			var next []int
			for _, c := range combos {
				for _, p := range sts[k].preds[s] {
					next = append(next, c*n+p)
				}
			}
			combos = next
		}
		R := m.RampMWPerInterval + rampTolerance
		for _, p := range combos {
			if math.Abs(mwOf[x]-mwOf[p]) <= R {
				preds[x] = append(preds[x], p)
			}
		}
	}
	vals := make([][]float64, K)
	for k, c := range classes {
		vals[k] = make([]float64, len(c.Points)+1)
	}
	stepValue := func(x int) float64 {
		decode(x, tuple)
		var v float64
		for k, s := range tuple {
			v += vals[k][sts[k].point[s]+1]
		}
		return v
	}
	fill := func(i int) {
		for k, c := range classes {
			coefs[k].values(vals[k], c, m, i, dtH)
		}
	}
	negInf := math.Inf(-1)
	vprev, vcur := make([]float64, S), make([]float64, S)
	back := make([]int32, T*S)
	fill(0)
	for x := 0; x < S; x++ {
		vprev[x] = negInf
		if settled[x] {
			vprev[x] = stepValue(x)
		}
	}
	for i := 1; i < T; i++ {
		fill(i)
		for x := 0; x < S; x++ {
			best, arg := negInf, 0
			for _, p := range preds[x] {
				if vprev[p] > best {
					best, arg = vprev[p], p
				}
			}
			vcur[x] = best + stepValue(x)
			back[i*S+x] = int32(arg)
		}
		vprev, vcur = vcur, vprev
	}
	best, arg := negInf, 0
	for x := 0; x < S; x++ {
		if vprev[x] > best {
			best, arg = vprev[x], x
		}
	}
	sch := Schedule{Points: make([][]int, K), Method: "joint", Exact: true, ProfitUSD: best}
	for k := range sch.Points {
		sch.Points[k] = make([]int, T)
	}
	for i := T - 1; i >= 0; i-- {
		decode(arg, tuple)
		for k, s := range tuple {
			sch.Points[k][i] = sts[k].point[s]
		}
		if i > 0 {
			arg = int(back[i*S+arg])
		}
	}
	return sch, true
}
