package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/mainnetblk"
	"github.com/hashfall/hashfall/store"
)

// `hashfall serve` with no node serves the SNAPSHOT, logs JSON with
// --log-format json, and ends cleanly (exit 0) on SIGTERM.
func TestServeSnapshotAndSIGTERM(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "HASHFALL_TEST_MAIN="+strings.Join([]string{"serve", "--listen", addr, "--log-format", "json"}, "\x1f"))
	var stderr bytes.Buffer
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	var resp *http.Response
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/api/v1/hashprice"); err == nil && resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never answered: %v\n%s", err, stderr.String())
		}
	}
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	if m["source"] != "SNAPSHOT" || !(m["usd_per_ph_day"].(float64) > 0) {
		t.Errorf("%v", m)
	}
	child.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() { waited <- child.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	first, _, _ := strings.Cut(stderr.String(), "\n")
	var line map[string]any
	if err := json.Unmarshal([]byte(first), &line); err != nil || line["msg"] == nil {
		t.Errorf("log is not JSON lines: %q", first)
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--log-format", "xml"},
		{"serve", "--rpc", "http://127.0.0.1:1"},
		{"serve", "--rpc", "http://127.0.0.1:1", "--blk", "x", "--db", "y"},
		{"serve", "--poll", "0s"},
		{"serve", "--token", "abc"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitUsage || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

// startServe runs `hashfall serve args...` in a child process on a free
// loopback port and waits until /readyz answers.
func startServe(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "HASHFALL_TEST_MAIN="+strings.Join(append([]string{"serve", "--listen", addr}, args...), "\x1f"))
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return child, "http://" + addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve never got ready")
		}
	}
}

// serve killed with SIGKILL and restarted on the same store serves the
// same tip at once, from a store with no gap.
func TestServeSurvivesKill9(t *testing.T) {
	blk := mainnetblk.Path(t)
	db := filepath.Join(t.TempDir(), "serve.db")
	child, base := startServe(t, "--blk", blk, "--db", db)
	height := func(base string) float64 {
		resp, err := http.Get(base + "/api/v1/network")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m struct {
			AsOf struct{ Height float64 } `json:"as_of"`
		}
		json.NewDecoder(resp.Body).Decode(&m)
		return m.AsOf.Height
	}
	if h := height(base); h != 14131 {
		t.Fatalf("first run serves %g", h)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	_, base = startServe(t, "--db", db)
	if h := height(base); h != 14131 {
		t.Fatalf("after kill -9 and restart: %g", h)
	}
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs, err := st.Blocks(context.Background(), 0, 20000)
	if err != nil || len(bs) != 14132 {
		t.Fatalf("%d blocks, %v", len(bs), err)
	}
	for i := 1; i < len(bs); i++ {
		if bs[i].Height != int64(i) || bs[i].PrevHash != bs[i-1].Hash {
			t.Fatalf("gap at %d", i)
		}
	}
}
