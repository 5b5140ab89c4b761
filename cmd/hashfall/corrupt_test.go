package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/internal/mainnetblk"
)

// corruptPages overwrites three interior 4 KiB pages of the file at path
// (at a quarter, half and three quarters of it) with seeded random bytes.
func corruptPages(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pages := fi.Size() / 4096
	if pages < 16 {
		t.Fatalf("store of %d pages is too small to corrupt its interior", pages)
	}
	rng := rand.New(rand.NewPCG(15, 5))
	junk := make([]byte, 4096)
	for _, page := range []int64{pages / 4, pages / 2, 3 * pages / 4} {
		for i := range junk {
			junk[i] = byte(rng.Uint32())
		}
		if _, err := f.WriteAt(junk, page*4096); err != nil {
			t.Fatal(err)
		}
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run=^$")
	c.Env = append(os.Environ(), "HASHFALL_TEST_MAIN=version")
	c.Run()
	return c.Process.Pid
}

// TestCorruptStoreFailsSync: a real store (btcd's mainnet blocks) with
// corrupted interior pages fails at the start of sync, naming the file and
// how to recover, instead of reporting 0 blocks added. A reader after an
// unclean shutdown (a writer's open marker left by a process that no longer
// runs) checks too.
func TestCorruptStoreFailsSync(t *testing.T) {
	db := syncedMainnet(t)
	if _, err := os.Stat(db + "-wal"); err == nil {
		t.Fatal("the closed store still has a -wal file")
	}
	host, _ := os.Hostname()
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO meta(key, value) VALUES(?, 'killed')`, fmt.Sprintf("writer:%d@%s", deadPID(t), host)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	corruptPages(t, db)

	_, errOut, code := runCLI(t, "sync", "--blk", mainnetblk.Path(t), "--db", db)
	if code != exitError || !strings.Contains(errOut, db+" is corrupt") || !strings.Contains(errOut, "rebuild it with hashfall sync") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("sync on a corrupted store: exit %d %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "hashrate", "--db", db)
	if code != exitError || !strings.Contains(errOut, db+" is corrupt") {
		t.Errorf("reader after an unclean shutdown of a corrupted store: exit %d %q", code, errOut)
	}
}
