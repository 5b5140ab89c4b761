package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/internal/mainnetblk"
	"github.com/hashfall/hashfall/store"
)

// TestMain lets a test re-run this binary as the hashfall command, so that
// a real process can be killed with SIGKILL mid-sync.
func TestMain(m *testing.M) {
	if args := os.Getenv("HASHFALL_TEST_MAIN"); args != "" {
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestSyncSurvivesKill9 starts `hashfall sync` in a child process, kills it
// with SIGKILL once some batches are committed, and checks that the next
// sync leaves exactly the source's chain: no gap, no duplicate, chainwork
// consistent.
func TestSyncSurvivesKill9(t *testing.T) {
	blk := mainnetblk.Path(t)
	db := filepath.Join(t.TempDir(), "k.db")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "HASHFALL_TEST_MAIN="+strings.Join([]string{"sync", "--blk", blk, "--db", db, "--batch", "7"}, "\x1f"))
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	killedAt := int64(-1)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		st, err := store.OpenReadOnly(db)
		if err != nil {
			continue
		}
		tip, err := st.Tip(ctx)
		st.Close()
		if err == nil && tip.Height >= 2000 {
			child.Process.Signal(syscall.SIGKILL)
			killedAt = tip.Height
			break
		}
	}
	child.Wait()
	if killedAt < 0 {
		t.Fatal("the child never committed 2000 blocks")
	}
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	tip, err := st.Tip(ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if tip.Height >= 14131 {
		t.Fatalf("the child finished (tip %d) before the kill", tip.Height)
	}
	if (tip.Height+1)%7 != 0 {
		t.Errorf("store tip %d after the kill is not at the end of a 7-block batch", tip.Height)
	}
	t.Logf("seen at %d, killed; store tip %d", killedAt, tip.Height)
	var r syncResult
	runJSON(t, &r, "sync", "--blk", blk, "--db", db)
	if r.TipHeight != 14131 || r.ForkHeight != tip.Height || r.Added != 14131-tip.Height {
		t.Errorf("resume after kill at %d: %+v", tip.Height, r)
	}
	st, err = store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs, err := st.Blocks(ctx, 0, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 14132 {
		t.Fatalf("%d blocks stored, want 14132", len(bs))
	}
	for i := 1; i < len(bs); i++ {
		w := consensus.BlockWork(bs[i].Bits)
		if bs[i].Height != int64(i) || bs[i].PrevHash != bs[i-1].Hash || w.Add(w, bs[i-1].ChainWork).Cmp(bs[i].ChainWork) != 0 {
			t.Fatalf("height %d: gap, fork or chainwork break after the kill", i)
		}
	}
}
