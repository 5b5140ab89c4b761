package chain

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRPCMalformedAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>not json</html>"))
	}))
	defer srv.Close()
	_, err := DialRPC(context.Background(), RPCConfig{URL: srv.URL, User: "u", Pass: "p", Retries: 1})
	if err == nil || !strings.Contains(err.Error(), "malformed answer") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want a one-line malformed-answer error", err)
	}
}

func TestRPCAuthFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	_, err := DialRPC(context.Background(), RPCConfig{URL: srv.URL, User: "u", Pass: "wrong", Retries: 1})
	if err == nil || !strings.Contains(err.Error(), "authentication failed") {
		t.Fatalf("err = %v, want an authentication error", err)
	}
}

func TestRPCUnknownNetwork(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"result":"00000000000000000000000000000000000000000000000000000000000000ff","error":null,"id":1}`))
	}))
	defer srv.Close()
	_, err := DialRPC(context.Background(), RPCConfig{URL: srv.URL, User: "u", Pass: "p"})
	if err == nil || !strings.Contains(err.Error(), "unknown network") {
		t.Fatalf("err = %v, want unknown network", err)
	}
}

func TestParseRPCURL(t *testing.T) {
	for _, c := range []struct {
		in, host string
		tls, bad bool
	}{
		{"http://127.0.0.1:8332", "127.0.0.1:8332", false, false},
		{"https://node:8334", "node:8334", true, false},
		{"localhost:8332", "localhost:8332", false, false},
		{"ftp://x", "", false, true},
		{"", "", false, true},
	} {
		host, tls, err := parseRPCURL(c.in, false)
		if (err != nil) != c.bad || host != c.host || tls != c.tls {
			t.Errorf("%q: %q %v %v", c.in, host, tls, err)
		}
	}
}

// Core's cookie file holds "__cookie__:password"; rpcclient sends it as
// basic auth.
func TestRPCCookieAuth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "__cookie__" || p != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"result":"000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f","error":null,"id":1}`))
	}))
	defer srv.Close()
	cookie := filepath.Join(t.TempDir(), ".cookie")
	if err := os.WriteFile(cookie, []byte("__cookie__:s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := DialRPC(context.Background(), RPCConfig{URL: srv.URL, CookieFile: cookie})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Params().Name != "mainnet" {
		t.Errorf("network %s, want mainnet from the genesis hash", src.Params().Name)
	}
}
