package serve

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/store"
)

// RunOptions are the command line of `hashfall serve`.
type RunOptions struct {
	Listen string
	// DBPath is the store; empty serves the SNAPSHOT.
	DBPath string
	// Dial opens the node; nil serves the store without following.
	Dial      func(ctx context.Context) (chain.Source, error)
	FleetPath string
	Config    *FileConfig
	Poll      time.Duration
	Log       *slog.Logger
	// Web is the dashboard mounted at /, if any.
	Web http.Handler
	// Ready, if set, is called with the server once it listens (tests).
	Ready func(*Server, string)
}

// Run serves until ctx ends (SIGTERM): it then stops following, lets
// in-flight requests finish and closes the store, which every sync batch
// left consistent.
func Run(ctx context.Context, o RunOptions) error {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := o.Config
	if cfg == nil {
		cfg = &FileConfig{}
	}
	token, err := cfg.Token()
	if err != nil {
		return err
	}
	opts := DefaultOptions()
	cfg.apply(&opts)
	var fleet *plan.Fleet
	if o.FleetPath != "" {
		if fleet, err = plan.LoadFleetFile(o.FleetPath, opts.Catalog); err != nil {
			return err
		}
	}
	price, err := cfg.PriceSource()
	if err != nil {
		return err
	}
	srv := New(Config{Token: token, Log: log, Web: o.Web, StaleAfter: cfg.staleAfter()})
	listen := o.Listen
	if listen == "" {
		listen = DefaultListen
	}
	ln, err := listenTCP(listen)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	flushAlerts, err := startAlerts(ctx, srv, cfg.Alerts, opts.Catalog, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer flushAlerts()
	flushCurtail, err := startCurtail(ctx, srv, cfg.Curtail, fleet, Clock{}, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer flushCurtail()
	done := make(chan error, 1)
	if o.DBPath == "" {
		if fleet != nil {
			log.Info("fleet status uses the SNAPSHOT network")
		}
		go func() { done <- runSnapshot(ctx, srv, price, cfg.pricePoll(), opts, fleet, log) }()
	} else {
		st, err := store.OpenSQLite(o.DBPath)
		if err != nil {
			ln.Close()
			return err
		}
		defer st.Close()
		f := &Follower{Store: st, Dial: o.Dial, Price: price, Fleet: fleet, Options: opts, Poll: o.Poll,
			PricePoll: cfg.pricePoll(), Server: srv, Log: log}
		go func() { done <- f.Run(ctx) }()
	}
	if o.Ready != nil {
		o.Ready(srv, ln.Addr().String())
	}
	err = srv.Serve(ctx, ln, 10*time.Second)
	cancel()
	if ferr := <-done; err == nil && ferr != nil && !errors.Is(ferr, context.Canceled) {
		err = ferr
	}
	return err
}

// runSnapshot publishes the SNAPSHOT state, re-priced on each tick of a
// configured price source.
func runSnapshot(ctx context.Context, srv *Server, price PriceSource, poll time.Duration, opts Options, fleet *plan.Fleet, log *slog.Logger) error {
	publish := func(q *Quote) {
		st := SnapshotState(opts, q, time.Now())
		if fleet != nil {
			fs := fleet.Status(st.Net)
			st.Fleet = &fs
		}
		srv.Publish(st)
	}
	if price == nil {
		publish(nil)
		<-ctx.Done()
		return nil
	}
	var last Quote
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		q, err := price.Quote(ctx)
		switch {
		case err != nil && srv.State() == nil:
			log.Warn("price unavailable; serving the snapshot's", "source", price.Name(), "err", err.Error())
			publish(nil)
		case err != nil:
			log.Warn("price unavailable; keeping the last", "source", price.Name(), "err", err.Error())
		case !sameQuote(q, last):
			last = q
			publish(&q)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
