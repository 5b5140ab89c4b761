package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Webhook POSTs each notification as one JSON object, retrying failures
// (network errors, non-2xx answers) with exponential backoff: Backoff,
// 2·Backoff, 4·Backoff… up to Retries retries. Deliveries run in order on
// one goroutine, so evaluation never waits for the receiver.
type Webhook struct {
	URL     string
	Retries int
	Backoff time.Duration
	Client  *http.Client
	Log     *slog.Logger

	once  sync.Once
	queue chan delivery
	done  chan struct{}
	ctx   context.Context
	stop  context.CancelFunc
}

// delivery is one queued body and what the log calls it.
type delivery struct {
	body []byte
	what []any // slog attributes
}

// webhookQueue bounds notifications waiting for delivery; past it the
// oldest are dropped (and logged) rather than blocking the monitor.
const webhookQueue = 256

func (w *Webhook) start() {
	w.once.Do(func() {
		if w.Client == nil {
			w.Client = &http.Client{Timeout: 10 * time.Second}
		}
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
		if w.Backoff <= 0 {
			w.Backoff = time.Second
		}
		w.queue = make(chan delivery, webhookQueue)
		w.done = make(chan struct{})
		w.ctx, w.stop = context.WithCancel(context.Background())
		go w.loop()
	})
}

// Notify implements Notifier.
func (w *Webhook) Notify(n Notification) {
	body, _ := json.Marshal(n)
	w.enqueue(delivery{body: body, what: []any{"rule", n.Rule, "status", n.Status}})
}

// Send queues v, encoded as one JSON object, for delivery with the same
// retries and order as notifications; what are slog attributes naming it
// in the log.
func (w *Webhook) Send(v any, what ...any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.enqueue(delivery{body: body, what: what})
	return nil
}

func (w *Webhook) enqueue(d delivery) {
	w.start()
	for {
		select {
		case w.queue <- d:
			return
		default:
			select {
			case old := <-w.queue:
				w.Log.Error("webhook queue full: dropped a notification", old.what...)
			default:
			}
		}
	}
}

// Close delivers what is queued (each with its retries cut short by ctx)
// and stops.
func (w *Webhook) Close(ctx context.Context) {
	w.start()
	close(w.queue)
	select {
	case <-w.done:
	case <-ctx.Done():
		w.stop()
		<-w.done
	}
}

func (w *Webhook) loop() {
	defer close(w.done)
	for d := range w.queue {
		delay := w.Backoff
		for attempt := 0; ; attempt++ {
			err := w.post(d.body)
			if err == nil {
				break
			}
			if attempt >= w.Retries {
				w.Log.Error("webhook delivery failed; giving up", append(d.what, "attempts", attempt+1, "err", err.Error())...)
				break
			}
			w.Log.Warn("webhook delivery failed; retrying", append(d.what, "attempt", attempt+1, "in", delay.String(), "err", err.Error())...)
			select {
			case <-time.After(delay):
			case <-w.ctx.Done():
				return
			}
			delay *= 2
		}
	}
}

func (w *Webhook) post(body []byte) error {
	req, err := http.NewRequestWithContext(w.ctx, "POST", w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hashfall-serve")
	resp, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
