package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/store"
)

// TestSyncFollowAndHashrateAgainstBtcd runs `hashfall sync --follow` as a
// child process against a real btcd (simnet), mines while it follows,
// stops it with SIGINT, and compares `hashfall hashrate` with btcd's own
// getnetworkhashps on the same chain.
func TestSyncFollowAndHashrateAgainstBtcd(t *testing.T) {
	h := btcdtest.StartNode(t)
	rng := rand.New(rand.NewPCG(9, 10))
	mine := func(n int) { btcdtest.Mine(t, h, n, btcdtest.ExponentialIntervals(rng)) }
	mine(150)
	cfg := h.RPCConfig()
	dir := t.TempDir()
	cert := filepath.Join(dir, "rpc.cert")
	if err := os.WriteFile(cert, cfg.Certificates, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "f.db")
	var stdout bytes.Buffer
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "HASHFALL_TEST_MAIN="+strings.Join([]string{"sync", "--rpc", "https://" + cfg.Host,
		"--rpc-user", cfg.User, "--rpc-pass", cfg.Pass, "--rpc-cert", cert, "--db", db, "--follow", "--poll", "100ms", "--format", "json"}, "\x1f"))
	child.Stdout = &stdout
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(height int64) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			st, err := store.OpenReadOnly(db)
			if err != nil {
				continue
			}
			tip, err := st.Tip(context.Background())
			st.Close()
			if err == nil && tip.Height >= height {
				return
			}
		}
		t.Fatalf("the follower never reached height %d", height)
	}
	waitFor(150)
	mine(60)
	waitFor(210)
	child.Process.Signal(syscall.SIGINT)
	if err := child.Wait(); err != nil {
		t.Fatalf("sync --follow after SIGINT: %v", err)
	}
	var r syncResult
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil || r.TipHeight != 210 || r.Added != 211 || r.Network != "simnet" {
		t.Errorf("follow result %q: %+v %v", stdout.String(), r, err)
	}
	for _, n := range []int{120, 50, 210} {
		want, err := h.Client.GetNetworkHashPS2(n)
		if err != nil {
			t.Fatal(err)
		}
		var got hashrateResult
		runJSON(t, &got, "hashrate", "--db", db, "--blocks", strconv.Itoa(n))
		if math.Abs(got.GetNetworkHashPSHs-want) > 1e-14*want {
			t.Errorf("--blocks %d: getnetworkhashps_hs %.17g, btcd %.17g", n, got.GetNetworkHashPSHs, want)
		}
	}
}
