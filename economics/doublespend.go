package economics

import (
	"fmt"
	"time"

	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/security"
)

// SecurityScenario is network n as a double-spend scenario for package
// security: hashrate H = D·2^32/600 H/s implied by its difficulty, and a
// block reward of (subsidy + fees) sat / 1e8 × price USD. `hashfall
// security` ("today") and serve's /api/v1/security both start here.
func SecurityScenario(name string, n Network, date time.Time, label string) security.Scenario {
	return security.Scenario{Name: name, Date: date, NetworkHashrateHs: ImpliedHashrateHs(n.Difficulty),
		BlockRewardUSD: float64(n.RewardPerBlockSat()) / SatPerBTC * n.PriceUSD, Label: label}
}

// BuildEfficiency is the J/TH an attacker's newly built fleet is assumed
// to reach, the catalog's most efficient model, and how to label it,
// such as "9.5 J/TH (Bitmain S23 Hydro)". The catalog's list prices are
// unverified, so it supplies the efficiency, not the price.
func BuildEfficiency(cat *hardware.Catalog) (joulesPerTH float64, label string) {
	best := cat.ByEfficiency()[0]
	return best.JoulesPerTH(), fmt.Sprintf("%.1f J/TH (%s %s)", best.JoulesPerTH(), best.Maker, best.Name)
}
