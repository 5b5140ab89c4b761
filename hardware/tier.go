package hardware

// EfficiencyTierCount is the number of efficiency tiers.
const EfficiencyTierCount = 4

// EfficiencyTier returns the efficiency tier of a machine drawing
// joulesPerTH J/TH: 0 for < 20, 1 for 20–25, 2 for 25–30 and 3 for ≥ 30.
// These are the bands the report and the simulator group hashrate by; the
// boundaries follow the seeds' split between current-generation machines
// (S21 family, < 20 J/TH), mid-generation ones (S19 XP, 20–25) and the
// S19 Pro class that runs at a loss (> 25).
func EfficiencyTier(joulesPerTH float64) int {
	switch {
	case joulesPerTH < 20:
		return 0
	case joulesPerTH < 25:
		return 1
	case joulesPerTH < 30:
		return 2
	}
	return 3
}
