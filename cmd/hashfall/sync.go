package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/store"
)

func init() { register(newSyncCmd) }

type syncResult struct {
	Network     string `json:"network"`
	TipHeight   int64  `json:"tip_height"`
	TipHash     string `json:"tip_hash"`
	Added       int64  `json:"added_blocks"`
	RolledBack  int64  `json:"rolled_back_blocks"`
	ForkHeight  int64  `json:"fork_height"`
	Reorganized bool   `json:"reorganized"`
}

func newSyncCmd() *cobra.Command {
	var rpc rpcFlags
	var blkPath, dbPath, network string
	var follow bool
	var poll time.Duration
	var batch, inflight int
	cmd := &cobra.Command{
		Use:   "sync (--rpc URL [--rpc-user U --rpc-pass P | --rpc-cookie FILE] | --blk DIR_OR_FILE) --db FILE [--follow]",
		Short: "Copy a node's best chain (headers, coinbase, fees) into a local store, resumable and reorg-safe",
		Long: `sync reads blocks from Bitcoin Core or btcd over JSON-RPC, or from the node's
blk*.dat files (header and coinbase only), into a SQLite store. Each batch is one
transaction: interrupt it at any point and the next sync continues without gap or
duplicate. A reorganization is detected by hash and rolled back. Progress goes to
stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dbPath == "" {
				return usageErrorf("--db is required")
			}
			if (rpc.url == "") == (blkPath == "") {
				return usageErrorf("give one of --rpc or --blk")
			}
			if rpc.cookie != "" && (rpc.user != "" || rpc.pass != "") {
				return usageErrorf("--rpc-cookie and --rpc-user/--rpc-pass conflict: give one")
			}
			if follow && blkPath != "" {
				return usageErrorf("--follow needs --rpc: blk files are read once")
			}
			if poll <= 0 {
				return usageErrorf("--poll must be > 0, got %s", poll)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			src, err := openSource(ctx, rpc, blkPath, network, inflight)
			if err != nil {
				return err
			}
			defer src.Close()
			st, err := store.OpenSQLite(dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			var bar *progressbar.ProgressBar
			progress := func(h, tip int64) {
				if bar == nil {
					bar = newProgressBar(cmd, tip+1, "sync",
						progressbar.OptionShowIts(),
						progressbar.OptionSetItsString("blocks"),
						progressbar.OptionSetPredictTime(true))
				}
				bar.ChangeMax64(tip + 1)
				bar.Set64(h + 1)
			}
			total := syncResult{Network: src.Params().Name, ForkHeight: -1}
			for first := true; ; first = false {
				res, err := store.Sync(ctx, src, st, store.SyncOptions{Batch: batch, Progress: progress})
				if err != nil {
					if follow && ctx.Err() != nil {
						break
					}
					return err
				}
				if first {
					total.ForkHeight = res.ForkHeight
				}
				total.Added += res.Added
				total.RolledBack += res.RolledBack
				total.Reorganized = total.Reorganized || res.Reorganized
				if bar != nil {
					bar.Finish()
					bar = nil
				}
				if !follow {
					break
				}
				select {
				case <-ctx.Done():
				case <-time.After(poll):
					continue
				}
				break
			}
			tip, err := st.Tip(context.Background())
			if err != nil {
				return err
			}
			total.TipHeight, total.TipHash = tip.Height, tip.Hash.String()
			return emit(cmd, total)
		},
	}
	f := cmd.Flags()
	rpc.add(f, "node JSON-RPC URL, e.g. http://127.0.0.1:8332 (https:// for btcd with --rpc-cert)")
	f.StringVar(&blkPath, "blk", "", "a blk*.dat file or a node's blocks directory")
	f.StringVar(&network, "network", "mainnet", "network of --blk files: mainnet, testnet3, testnet4, regtest, simnet, signet")
	f.StringVar(&dbPath, "db", "", "store file (SQLite), created if absent")
	f.BoolVar(&follow, "follow", false, "keep following the tip until interrupted")
	f.DurationVar(&poll, "poll", 30*time.Second, "with --follow, how often to ask the node for new blocks")
	intVar(f, &batch, "batch", store.DefaultBatch, 1, 1_000_000, "blocks per transaction")
	intVar(f, &inflight, "inflight", 8, 1, 256, "RPC requests in flight at once")
	return cmd
}

// rpcFlags are a node's JSON-RPC URL and credentials, as sync and serve
// take them.
type rpcFlags struct{ url, user, pass, cookie, cert string }

// add declares --rpc (described by urlHelp), --rpc-user, --rpc-pass,
// --rpc-cookie and --rpc-cert on f.
func (r *rpcFlags) add(f *pflag.FlagSet, urlHelp string) {
	f.StringVar(&r.url, "rpc", "", urlHelp)
	f.StringVar(&r.user, "rpc-user", "", "RPC user name")
	f.StringVar(&r.pass, "rpc-pass", "", "RPC password")
	f.StringVar(&r.cookie, "rpc-cookie", "", "Bitcoin Core .cookie file (instead of user and password)")
	f.StringVar(&r.cert, "rpc-cert", "", "PEM certificate of a TLS node (btcd's rpc.cert)")
}

// openSource opens blkPath's blk files when it is set, else dials the
// node rpc names with inflight requests at once.
func openSource(ctx context.Context, rpc rpcFlags, blkPath, network string, inflight int) (chain.Source, error) {
	if blkPath != "" {
		p, ok := networksByName[network]
		if !ok {
			return nil, usageErrorf("--network %q unknown", network)
		}
		return chain.OpenBlk(blkPath, p)
	}
	if inflight < 1 || inflight > 256 {
		return nil, usageErrorf("--inflight must be in [1, 256], got %d", inflight)
	}
	if rpc.cookie != "" {
		// Read it here so that a wrong path is reported as the flag, not
		// as an unreachable node.
		f, err := os.Open(rpc.cookie)
		if err != nil {
			return nil, fmt.Errorf("--rpc-cookie: %w", err)
		}
		f.Close()
	}
	cfg := chain.RPCConfig{URL: rpc.url, User: rpc.user, Pass: rpc.pass, CookieFile: rpc.cookie, InFlight: inflight}
	if rpc.cert != "" {
		pem, err := os.ReadFile(rpc.cert)
		if err != nil {
			return nil, fmt.Errorf("--rpc-cert: %w", err)
		}
		cfg.Certificates = pem
	}
	return chain.DialRPC(ctx, cfg)
}
