package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/chain"
)

// TestOpenReadOnlyRefuses: the reader refuses what is not a current
// hashfall store, with an error that says what to do, and writes nothing.
func TestOpenReadOnlyRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A schema-version-1 store, as hashfall wrote before application_id.
	v1 := filepath.Join(dir, "v1.db")
	db, err := sql.Open("sqlite", "file:"+v1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0] + `; PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	other := filepath.Join(dir, "other.db")
	db, _ = sql.Open("sqlite", "file:"+other)
	if _, err := db.Exec(`CREATE TABLE notes (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "absent.db"), "no store at"},
		{write("empty.db", nil), "empty file, not a hashfall store: run hashfall sync"},
		{write("text.db", []byte(strings.Repeat("not a database\n", 400))), "not a hashfall store"},
		{other, "not a hashfall store"},
		{v1, "schema version 1, this hashfall reads version 3: run hashfall sync --db " + v1 + " to upgrade it"},
	} {
		before, _ := os.ReadFile(c.path)
		_, err := OpenReadOnly(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", filepath.Base(c.path), err, c.want)
		}
		after, _ := os.ReadFile(c.path)
		if string(after) != string(before) {
			t.Errorf("%s: the reader changed the file", filepath.Base(c.path))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("the reader created a missing store")
	}
	if _, err := OpenSQLite(other); err == nil || !strings.Contains(err.Error(), "not a hashfall store") {
		t.Errorf("the writer took another program's SQLite file: %v", err)
	}

	// The writer upgrades the version-1 store; then readers open it.
	st, err := OpenSQLite(v1)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(context.Background(), "simnet", -1, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r, err := OpenReadOnly(v1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if net, err := r.Network(context.Background()); err != nil || net != "simnet" {
		t.Errorf("upgraded store: network %q %v", net, err)
	}
	if _, ok := r.(Store); ok {
		t.Error("OpenReadOnly returned a store that can write")
	}
}

// TestPutEpochsChecksStoredBlocks: over a store of the real mainnet blocks
// 0..14131, Electrum's real checkpoints import (their periods 0..6 end at
// stored blocks); the same file with the neighbouring entries 3 and 4
// swapped — which consensus alone cannot tell apart — is refused and
// leaves the earlier history whole; a different file replaces it wholly.
func TestPutEpochsChecksStoredBlocks(t *testing.T) {
	f, err := os.Open("../../shared/data/electrum-checkpoints.json")
	if err != nil {
		t.Skipf("Electrum checkpoints absent: %v", err)
	}
	eps, err := chain.ReadElectrumCheckpoints(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := openTemp(t)
	if _, err := Sync(ctx, mainnetSource(t), st, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutEpochs(ctx, eps); err != nil {
		t.Fatalf("real checkpoints over real blocks: %v", err)
	}
	swapped := slices.Clone(eps)
	swapped[3].LastHash, swapped[4].LastHash = eps[4].LastHash, eps[3].LastHash
	err = st.PutEpochs(ctx, swapped)
	if err == nil || !strings.Contains(err.Error(), "entry 3") || !strings.Contains(err.Error(), "height 8063") {
		t.Errorf("swapped entries 3 and 4: %v", err)
	}
	got, err := st.Epochs(ctx)
	if err != nil || len(got) != len(eps) || got[3].LastHash != eps[3].LastHash {
		t.Fatalf("a refused import changed the history: %d epochs, %v", len(got), err)
	}
	if err := st.PutEpochs(ctx, eps[:100]); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Epochs(ctx); len(got) != 100 || got[99].LastHash != eps[99].LastHash {
		t.Errorf("re-import of a 100-entry file left %d epochs", len(got))
	}
}

// BenchmarkOpen measures the writer's open (identity check, quick_check,
// migration check, writer marker) against the reader's on a store of the
// real mainnet blocks 0..14131; the difference is quick_check's cost.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "m.db")
	st, err := OpenSQLite(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Sync(context.Background(), mainnetSource(b), st, SyncOptions{}); err != nil {
		b.Fatal(err)
	}
	st.Close()
	fi, _ := os.Stat(path)
	b.Run("reader", func(b *testing.B) {
		for b.Loop() {
			r, err := OpenReadOnly(path)
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
	b.Run("writer", func(b *testing.B) {
		for b.Loop() {
			w, err := OpenSQLite(path)
			if err != nil {
				b.Fatal(err)
			}
			w.Close()
		}
		b.ReportMetric(float64(fi.Size())/(float64(b.Elapsed().Seconds())/float64(b.N))/1e6, "MB/s")
	})
}

// TestUncleanShutdownMarker: a writer's marker left by a process that no
// longer runs makes a reader run quick_check (an intact store then opens)
// and is cleared by the next writer; a marker of a running process (this
// one, as an open writer) is not stale.
func TestUncleanShutdownMarker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	w, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	if stale, err := w.staleWriters(); err != nil || len(stale) != 0 {
		t.Fatalf("an open writer's own marker counted as stale: %v %v", stale, err)
	}
	host, _ := os.Hostname()
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Skipf("no true(1) to make a dead process id: %v", err)
	}
	dead := fmt.Sprintf("%s%d@%s", writerKeyPrefix, c.Process.Pid, host)
	if _, err := w.db.Exec(`INSERT INTO meta(key, value) VALUES(?, 'killed')`, dead); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("intact store after an unclean shutdown: %v", err)
	}
	stale, err := r.(readOnly).Reader.(*SQLite).staleWriters()
	r.Close()
	if err != nil || len(stale) != 1 || stale[0] != dead {
		t.Fatalf("reader sees stale markers %v %v, want [%s]", stale, err, dead)
	}
	w, err = OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var n int
	if err := w.db.QueryRow(`SELECT count(*) FROM meta WHERE key LIKE 'writer:%'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d writer markers after a clean close and reopen, want only the open writer's", n)
	}
}
