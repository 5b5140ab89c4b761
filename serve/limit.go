package serve

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the limiter's table: past it, idle entries are dropped.
const maxClients = 10000

// clientLimiter is a token bucket per client address.
type clientLimiter struct {
	perMinute int
	mu        sync.Mutex
	clients   map[string]*clientBucket
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newClientLimiter(perMinute int) *clientLimiter {
	return &clientLimiter{perMinute: perMinute, clients: map[string]*clientBucket{}}
}

func (l *clientLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= maxClients {
			for k, c := range l.clients {
				if now.Sub(c.seen) > time.Minute {
					delete(l.clients, k)
				}
			}
		}
		b = &clientBucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.clients[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}
