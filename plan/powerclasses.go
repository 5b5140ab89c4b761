package plan

import (
	"math"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/power"
)

// PowerClasses turns the fleet's groups into classes for power.Optimise
// at network n: each group's operating points (the catalog's nameplate
// when it lists none), hashprice in USD/PH/day from n, and the site's
// pool fee, PUE, hosting fee (USD/kWh × 1000 → USD/MWh) and standing
// credits. The flat-out point is the one whose power is closest to the
// catalog nameplate.
func (f *Fleet) PowerClasses(n economics.Network, minOn, minOff int) []power.Class {
	hp := n.HashpriceUSDPerPHDay()
	out := make([]power.Class, len(f.Machines))
	for i, g := range f.Machines {
		site := f.Sites[g.site]
		pts := g.OperatingPoints
		if len(pts) == 0 {
			pts = []power.OperatingPoint{{Name: "nameplate", PowerW: g.model.PowerW, HashrateTHs: g.model.HashrateTHs, Source: "catalog: " + g.model.Source}}
		}
		flat := 0
		for j, p := range pts {
			if math.Abs(p.PowerW-g.model.PowerW) < math.Abs(pts[flat].PowerW-g.model.PowerW) {
				flat = j
			}
		}
		out[i] = power.Class{
			Name: site.Name + "/" + g.model.Name, Count: g.Count, Points: pts, FlatOut: flat,
			PUE: site.PUEOrOne(), MinOnIntervals: minOn, MinOffIntervals: minOff,
			HashpriceUSDPerPHDay: hp, PoolFeePct: site.PoolFeePct,
			HostingUSDPerMWh: site.HostingUSDPerKWh * 1000, CreditUSDPerMWh: site.CreditsUSDPerMWh(),
		}
	}
	return out
}
