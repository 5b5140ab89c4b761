package serve

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// broker fans state changes out to Server-Sent Events subscribers. A slow
// subscriber misses intermediate heights, never blocks the publisher: each
// channel holds only the latest.
type broker struct {
	mu     sync.Mutex
	subs   map[chan int64]struct{}
	closed chan struct{}
	once   sync.Once
}

func newBroker() *broker {
	return &broker{subs: map[chan int64]struct{}{}, closed: make(chan struct{})}
}

func (b *broker) subscribe() chan int64 {
	c := make(chan int64, 1)
	b.mu.Lock()
	b.subs[c] = struct{}{}
	b.mu.Unlock()
	return c
}

func (b *broker) unsubscribe(c chan int64) {
	b.mu.Lock()
	delete(b.subs, c)
	b.mu.Unlock()
}

func (b *broker) publish(height int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.subs {
		select {
		case <-c:
		default:
		}
		c <- height
	}
}

func (b *broker) close() { b.once.Do(func() { close(b.closed) }) }

// sseHeartbeat keeps idle proxies from closing an event stream.
const sseHeartbeat = 15 * time.Second

// handleEvents streams `event: state` with data {"height":N} once at
// connection and after every new state.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the write timeout
	c := s.events.subscribe()
	defer s.events.unsubscribe(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(h int64) bool {
		if _, err := fmt.Fprintf(w, "event: state\ndata: {\"height\":%d}\n\n", h); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if st := s.State(); st != nil && !send(st.AsOf.Height) {
		return
	}
	tick := time.NewTicker(sseHeartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.events.closed:
			return
		case h := <-c:
			if !send(h) {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}
