package chain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/wire/v2"
)

// RPCConfig says how to reach a node's JSON-RPC interface.
type RPCConfig struct {
	// URL is http://host:port (Bitcoin Core), https://host:port (btcd,
	// with Certificates) or a bare host:port, taken as http.
	URL        string
	User, Pass string
	// CookieFile is Core's .cookie file; it replaces User and Pass and is
	// re-read on every request, so a node restart does not break a sync.
	CookieFile string
	// Certificates is the PEM certificate chain of a TLS node (btcd's
	// rpc.cert).
	Certificates []byte
	// InFlight bounds the requests outstanding at once; 8 when ≤ 0.
	InFlight int
	// Retries is how many times an answer that is an error is retried,
	// with exponential backoff from 200 ms; 4 when ≤ 0.
	Retries int
}

// RPCSource is a Source over a node's JSON-RPC interface. Blocks are
// fetched in JSON-RPC batches (one HTTP POST carries getblockhash, then
// getblock, for up to rpcBatch heights), with up to InFlight batches
// outstanding. Each in-flight slot owns its own client, because an
// rpcclient.Client in POST mode sends one HTTP request at a time.
type RPCSource struct {
	host    string
	params  *chaincfg.Params
	clients chan *rpcclient.Client // one request per HTTP POST
	batches chan *rpcclient.Client // JSON-RPC batches
	all     []*rpcclient.Client
	retries int
}

var knownParams = []*chaincfg.Params{
	&chaincfg.MainNetParams, &chaincfg.TestNet3Params, &chaincfg.TestNet4Params,
	&chaincfg.RegressionNetParams, &chaincfg.SimNetParams, &chaincfg.SigNetParams,
}

// DialRPC connects to a node and identifies its network by its genesis
// hash. An unreachable node fails at once with a one-line error rather
// than after rpcclient's own retries.
func DialRPC(ctx context.Context, cfg RPCConfig) (*RPCSource, error) {
	host, tls, err := parseRPCURL(cfg.URL, cfg.Certificates != nil)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := d.DialContext(dctx, "tcp", host)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("node at %s unreachable: %w", host, unwrapOp(err))
	}
	conn.Close()
	n := cfg.InFlight
	if n <= 0 {
		n = 8
	}
	s := &RPCSource{host: host, clients: make(chan *rpcclient.Client, n), batches: make(chan *rpcclient.Client, n), retries: cfg.Retries}
	if s.retries <= 0 {
		s.retries = 4
	}
	connCfg := rpcclient.ConnConfig{
		Host: host, User: cfg.User, Pass: cfg.Pass, CookiePath: cfg.CookieFile,
		HTTPPostMode: true, DisableTLS: !tls, Certificates: cfg.Certificates,
	}
	for range n {
		c, err := rpcclient.New(&connCfg, nil)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("rpc %s: %w", host, err)
		}
		s.all = append(s.all, c)
		s.clients <- c
		b, err := rpcclient.NewBatch(&connCfg)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("rpc %s: %w", host, err)
		}
		s.all = append(s.all, b)
		s.batches <- b
	}
	var genesis *chainhash.Hash
	if err := s.call(ctx, "getblockhash 0", func(c *rpcclient.Client) (err error) {
		genesis, err = c.GetBlockHash(0)
		return err
	}); err != nil {
		s.Close()
		return nil, err
	}
	for _, p := range knownParams {
		if *p.GenesisHash == *genesis {
			s.params = p
		}
	}
	if s.params == nil {
		s.Close()
		return nil, fmt.Errorf("rpc %s: unknown network with genesis block %s", host, genesis)
	}
	return s, nil
}

func parseRPCURL(raw string, haveCert bool) (host string, tls bool, err error) {
	if raw == "" {
		return "", false, errors.New("no RPC URL given")
	}
	if !strings.Contains(raw, "://") {
		return raw, haveCert, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, fmt.Errorf("RPC URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "http":
		return u.Host, false, nil
	case "https":
		return u.Host, true, nil
	}
	return "", false, fmt.Errorf("RPC URL %q: scheme must be http or https", raw)
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// call runs fn on a free client, retrying with exponential backoff. Errors
// the node answered with (unknown block, bad parameters) are final, except
// "still warming up"; transport and decoding failures are retried.
func (s *RPCSource) call(ctx context.Context, what string, fn func(c *rpcclient.Client) error) error {
	return s.callOn(ctx, s.clients, what, fn)
}

// callOn is call with a client from pool.
func (s *RPCSource) callOn(ctx context.Context, pool chan *rpcclient.Client, what string, fn func(c *rpcclient.Client) error) error {
	var err error
	backoff := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		var c *rpcclient.Client
		select {
		case c = <-pool:
		case <-ctx.Done():
			return ctx.Err()
		}
		err = fn(c)
		pool <- c
		if err == nil {
			return nil
		}
		var rpcErr *btcjson.RPCError
		isRPC := errors.As(err, &rpcErr)
		if isRPC && rpcErr.Code != btcjson.ErrRPCInWarmup || attempt >= s.retries {
			break
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		backoff *= 2
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	var ne net.Error
	switch {
	case errors.As(err, &ne):
		return fmt.Errorf("node at %s unreachable (%s): %s", s.host, what, msg)
	case strings.Contains(msg, "status code: 401"):
		return fmt.Errorf("rpc %s %s: authentication failed: check --rpc-user/--rpc-pass or --rpc-cookie", s.host, what)
	case strings.HasPrefix(msg, "status code:") || strings.Contains(msg, "json"):
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return fmt.Errorf("rpc %s %s: malformed answer: %s", s.host, what, msg)
	}
	return fmt.Errorf("rpc %s %s: %s", s.host, what, msg)
}

// Params implements Source.
func (s *RPCSource) Params() *chaincfg.Params { return s.params }

// Tip implements Source. The height and hash come from two calls; if the
// tip moves in between, Sync sees a prev-hash mismatch and starts over.
func (s *RPCSource) Tip(ctx context.Context) (Tip, error) {
	var height int64
	if err := s.call(ctx, "getblockcount", func(c *rpcclient.Client) (err error) {
		height, err = c.GetBlockCount()
		return err
	}); err != nil {
		return Tip{}, err
	}
	h, err := s.HashAt(ctx, height)
	return Tip{Height: height, Hash: h}, err
}

// HashAt implements Source.
func (s *RPCSource) HashAt(ctx context.Context, height int64) (chainhash.Hash, error) {
	var h *chainhash.Hash
	err := s.call(ctx, fmt.Sprintf("getblockhash %d", height), func(c *rpcclient.Client) (err error) {
		h, err = c.GetBlockHash(height)
		return err
	})
	if err != nil {
		return chainhash.Hash{}, err
	}
	return *h, nil
}

// rpcBatch is the number of heights per JSON-RPC batch.
const rpcBatch = 50

// Blocks implements Source: batches of getblockhash then getblock (raw),
// up to InFlight batches at once.
func (s *RPCSource) Blocks(ctx context.Context, from, to int64) ([]Block, error) {
	if from < 0 || from > to {
		return nil, fmt.Errorf("heights %d..%d: %w", from, to, ErrNotFound)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]Block, to-from+1)
	chunks := make(chan int64)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for range cap(s.batches) {
		wg.Go(func() {
			for lo := range chunks {
				hi := min(lo+rpcBatch-1, to)
				if err := s.batch(ctx, lo, hi, out[lo-from:hi-from+1]); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
feed:
	for lo := from; lo <= to; lo += rpcBatch {
		select {
		case chunks <- lo:
		case <-ctx.Done():
			break feed
		}
	}
	close(chunks)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// batch fetches heights lo..hi into out with two JSON-RPC batches.
func (s *RPCSource) batch(ctx context.Context, lo, hi int64, out []Block) error {
	hashes := make([]*chainhash.Hash, hi-lo+1)
	if err := s.callOn(ctx, s.batches, fmt.Sprintf("getblockhash %d..%d", lo, hi), func(c *rpcclient.Client) error {
		futs := make([]rpcclient.FutureGetBlockHashResult, len(hashes))
		for i := range futs {
			futs[i] = c.GetBlockHashAsync(lo + int64(i))
		}
		if err := c.Send(); err != nil {
			return err
		}
		for i, f := range futs {
			h, err := f.Receive()
			if err != nil {
				return err
			}
			hashes[i] = h
		}
		return nil
	}); err != nil {
		return err
	}
	msgs := make([]*wire.MsgBlock, len(hashes))
	if err := s.callOn(ctx, s.batches, fmt.Sprintf("getblock %d..%d", lo, hi), func(c *rpcclient.Client) error {
		futs := make([]rpcclient.FutureGetBlockResult, len(hashes))
		for i, h := range hashes {
			futs[i] = c.GetBlockAsync(h)
		}
		if err := c.Send(); err != nil {
			return err
		}
		for i, f := range futs {
			m, err := f.Receive()
			if err != nil {
				return err
			}
			msgs[i] = m
		}
		return nil
	}); err != nil {
		return err
	}
	for i, msg := range msgs {
		b, err := s.toBlock(lo+int64(i), *hashes[i], msg)
		if err != nil {
			return err
		}
		out[i] = b
	}
	return nil
}

func (s *RPCSource) toBlock(height int64, hash chainhash.Hash, msg *wire.MsgBlock) (Block, error) {
	if got := msg.BlockHash(); got != hash || len(msg.Transactions) == 0 {
		return Block{}, fmt.Errorf("rpc %s getblock %s: malformed answer: block hashes to %s with %d transactions", s.host, hash, got, len(msg.Transactions))
	}
	b := Block{
		Height:    height,
		Hash:      hash,
		PrevHash:  msg.Header.PrevBlock,
		TimeS:     msg.Header.Timestamp.Unix(),
		Bits:      msg.Header.Bits,
		Version:   msg.Header.Version,
		TxCount:   int64(len(msg.Transactions)),
		SizeBytes: int64(msg.SerializeSize()),
		// BIP 141: weight = 3 × stripped size + total size.
		WeightWU: int64(3*msg.SerializeSizeStripped() + msg.SerializeSize()),
	}
	fillCoinbase(&b, msg.Transactions[0], s.params)
	setFees(&b, s.params)
	return b, nil
}

// Close implements Source.
func (s *RPCSource) Close() error {
	for _, c := range s.all {
		c.Shutdown()
	}
	return nil
}
