package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/serve"
	"github.com/hashfall/hashfall/store"
)

func init() { register(newServeCmd) }

func newServeCmd() *cobra.Command {
	var rpc rpcFlags
	var blkPath, network, dbPath string
	var fleetPath, listen, configPath, logFormat, logLevel string
	var poll time.Duration
	cmd := &cobra.Command{
		Use:   "serve [--rpc URL ... | --blk DIR] [--db FILE] [--fleet FLEET.yaml] [--listen 127.0.0.1:8785] [--config FILE]",
		Short: "Always-on monitor: JSON API, mempool-compatible mining endpoints, Prometheus /metrics, alerts",
		Long: `serve follows the node as "sync --follow" does and keeps every measure
current in memory, answering /api/v1/..., /metrics and the dashboard. With no
--db it serves the embedded February 2026 SNAPSHOT. The bearer token for
writes comes from the config's token_file or $HASHFALL_TOKEN, never a flag.
Routes are listed in serve/doc.go.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(cmd, logFormat, logLevel)
			if err != nil {
				return err
			}
			if rpc.url != "" && blkPath != "" {
				return usageErrorf("--rpc and --blk conflict: give one")
			}
			if (rpc.url != "" || blkPath != "") && dbPath == "" {
				return usageErrorf("--db is required with --rpc or --blk")
			}
			if poll <= 0 {
				return usageErrorf("--poll must be > 0, got %s", poll)
			}
			cfg := &serve.FileConfig{}
			if configPath != "" {
				if cfg, err = serve.LoadConfig(configPath); err != nil {
					return usageErrorf("--config: %v", err)
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if blkPath != "" {
				if err := syncBlkOnce(ctx, blkPath, network, dbPath); err != nil {
					return err
				}
			}
			o := serve.RunOptions{Listen: listen, DBPath: dbPath, FleetPath: fleetPath, Config: cfg, Poll: poll, Log: log, Web: webHandler()}
			if rpc.url != "" {
				o.Dial = func(ctx context.Context) (chain.Source, error) {
					return openSource(ctx, rpc, "", network, 8)
				}
			}
			return serve.Run(ctx, o)
		},
	}
	f := cmd.Flags()
	rpc.add(f, "node JSON-RPC URL to follow, e.g. http://127.0.0.1:8332")
	f.StringVar(&blkPath, "blk", "", "blk*.dat file or blocks directory, read once into --db at start")
	f.StringVar(&network, "network", "mainnet", "network of --blk files")
	f.StringVar(&dbPath, "db", "", "store file (SQLite); without it, serve the SNAPSHOT")
	f.StringVar(&fleetPath, "fleet", "", "fleet YAML: adds /api/v1/fleet/status and fleet metrics")
	f.StringVar(&listen, "listen", serve.DefaultListen, "address to listen on (loopback unless you mean otherwise)")
	f.StringVar(&configPath, "config", "", "config YAML: price sources, alerts, token_file")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug (one line per request), info, warn or error")
	f.DurationVar(&poll, "poll", 30*time.Second, "how often to ask the node for new blocks")
	return cmd
}

func newLogger(cmd *cobra.Command, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErrorf("--log-level: want debug, info, warn or error, got %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts)), nil
	}
	return nil, usageErrorf("--log-format: want text or json, got %q", format)
}

// syncBlkOnce reads blk files into the store before serving it.
func syncBlkOnce(ctx context.Context, blkPath, network, dbPath string) error {
	src, err := openSource(ctx, rpcFlags{}, blkPath, network, 8)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := store.OpenSQLite(dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = store.Sync(ctx, src, st, store.SyncOptions{})
	return err
}
