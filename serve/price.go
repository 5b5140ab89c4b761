package serve

import (
	"context"
	"fmt"
	"math"
	"time"
)

// PriceSource gives the current BTC/USD price.
type PriceSource interface {
	// Name labels the quotes in answers (price_source).
	Name() string
	Quote(ctx context.Context) (Quote, error)
}

// FixedPrice is a constant price set by the operator.
type FixedPrice float64

// Name implements PriceSource.
func (p FixedPrice) Name() string { return fmt.Sprintf("fixed $%g", float64(p)) }

// Quote implements PriceSource; the time is now.
func (p FixedPrice) Quote(context.Context) (Quote, error) {
	if !(p > 0) || math.IsInf(float64(p), 0) {
		return Quote{}, fmt.Errorf("fixed price must be > 0, got %g", float64(p))
	}
	return Quote{USD: float64(p), Time: time.Now().UTC().Truncate(time.Second), Source: p.Name()}, nil
}
