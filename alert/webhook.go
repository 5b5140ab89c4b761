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
	queue chan Notification
	done  chan struct{}
	ctx   context.Context
	stop  context.CancelFunc
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
		w.queue = make(chan Notification, webhookQueue)
		w.done = make(chan struct{})
		w.ctx, w.stop = context.WithCancel(context.Background())
		go w.loop()
	})
}

// Notify implements Notifier.
func (w *Webhook) Notify(n Notification) {
	w.start()
	for {
		select {
		case w.queue <- n:
			return
		default:
			select {
			case old := <-w.queue:
				w.Log.Error("webhook queue full: dropped a notification", "rule", old.Rule, "status", old.Status)
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
	for n := range w.queue {
		body, _ := json.Marshal(n)
		delay := w.Backoff
		for attempt := 0; ; attempt++ {
			err := w.post(body)
			if err == nil {
				break
			}
			if attempt >= w.Retries {
				w.Log.Error("webhook delivery failed; giving up", "rule", n.Rule, "status", n.Status, "attempts", attempt+1, "err", err.Error())
				break
			}
			w.Log.Warn("webhook delivery failed; retrying", "rule", n.Rule, "attempt", attempt+1, "in", delay.String(), "err", err.Error())
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
