package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testToken = "0123456789abcdef-test-token"

func post(t *testing.T, h http.Handler, target, token, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestSimulateNeedsTheToken(t *testing.T) {
	s := New(Config{Token: testToken})
	for _, tok := range []string{"", "wrong", testToken[:len(testToken)-1], testToken + "x"} {
		if code, body := post(t, s.Handler(), "/api/v1/simulate", tok, "default"); code != 401 || !strings.Contains(body, `"error"`) {
			t.Errorf("token %q: %d %s", tok, code, body)
		}
	}
	// No token configured: writes are disabled, whatever the client sends.
	open := New(Config{})
	if code, _ := post(t, open.Handler(), "/api/v1/simulate", "", "default"); code != 401 {
		t.Errorf("no token configured: %d", code)
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	s := New(Config{Token: testToken})
	big := "name: x\n# " + strings.Repeat("a", MaxBodyBytes) + "\n"
	code, body := post(t, s.Handler(), "/api/v1/simulate", testToken, big)
	if code != 413 || strings.Count(body, "\n") != 1 {
		t.Fatalf("%d %q", code, body)
	}
}

func TestSimulationRequestBounds(t *testing.T) {
	s := New(Config{Token: testToken})
	for _, c := range []struct{ target, body, param string }{
		{"/api/v1/simulate?paths=100000", "default", "paths"},
		{"/api/v1/simulate?horizon_days=5000", "default", "horizon_days"},
		{"/api/v1/simulate?engine=warp", "default", "engine"},
		{"/api/v1/simulate", "nosuch", "body"},
		{"/api/v1/simulate", "", "body"},
		{"/api/v1/simulate", "base: default\nprice: {model: bootstrap, csv: /etc/passwd}\n", "body"},
		{"/api/v1/simulate", "base: default\nprice: {model: \"bootstr\\x61p\", csv: /etc/passwd}\n", "body"},
		{"/api/v1/simulate", "base: default\nhorizon_days: [\n", "body"},
	} {
		code, body := post(t, s.Handler(), c.target, testToken, c.body)
		if code != 400 {
			t.Errorf("%s %q: %d %s", c.target, c.body, code, body)
			continue
		}
		if m := decode(t, body); m["parameter"] != c.param || strings.Contains(body, "passwd") && strings.Contains(body, "root:") {
			t.Errorf("%s %q: %v", c.target, c.body, m)
		}
	}
}

// A simulation runs as a job: 202 with an id, polled to done with the
// same summary `simulate --format json` prints; the same request again is
// answered from the cache.
func TestSimulateJobAndCache(t *testing.T) {
	s := New(Config{Token: testToken})
	code, body := post(t, s.Handler(), "/api/v1/simulate?paths=20&horizon_days=60&seed=7", testToken, "default")
	if code != 202 {
		t.Fatalf("%d %s", code, body)
	}
	var j Job
	if err := json.Unmarshal([]byte(body), &j); err != nil || j.ID == "" || j.Cached {
		t.Fatalf("%v %+v", err, j)
	}
	waitFor(t, "the job to finish", 60*time.Second, func() bool {
		_, _, b := get(t, s.Handler(), "/api/v1/jobs/"+j.ID)
		json.Unmarshal([]byte(b), &j)
		return j.Status == "done" || j.Status == "failed"
	})
	if j.Status != "done" || j.Progress != 1 {
		t.Fatalf("job %+v", j)
	}
	var summary map[string]any
	if err := json.Unmarshal(j.Summary, &summary); err != nil {
		t.Fatal(err)
	}
	if len(summary) == 0 {
		t.Fatalf("empty summary")
	}
	code, body = post(t, s.Handler(), "/api/v1/simulate?paths=20&horizon_days=60&seed=7", testToken, "default")
	var again Job
	json.Unmarshal([]byte(body), &again)
	if code != 202 || !again.Cached || again.ID != j.ID || string(again.Summary) != string(j.Summary) {
		t.Errorf("second request not from the cache: %d cached=%v id %s vs %s", code, again.Cached, again.ID, j.ID)
	}
	_, body = post(t, s.Handler(), "/api/v1/simulate?paths=20&horizon_days=60&seed=8", testToken, "default")
	json.Unmarshal([]byte(body), &again)
	if again.Cached || again.ID == j.ID {
		t.Errorf("another seed came from the cache")
	}
	if code, _, _ := get(t, s.Handler(), "/api/v1/jobs/nosuchjob"); code != 404 {
		t.Errorf("unknown job: %d", code)
	}
	s.jobs.stop()
}

func TestExpensiveEndpointsAre429PerClient(t *testing.T) {
	s := New(Config{Token: testToken, ExpensivePerMinute: 3})
	var codes []int
	for range 5 {
		code, _ := post(t, s.Handler(), "/api/v1/simulate?paths=1", testToken, "nosuch")
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[400 400 400 429 429]" {
		t.Errorf("codes %v, want three answers then 429", codes)
	}
}

// After malformed, oversized and slow (slowloris) requests, /healthz still
// answers at once: the header timeout frees the slow connections and bad
// requests cost nothing.
func TestHostileClientsLeaveHealthzResponsive(t *testing.T) {
	srv := New(Config{Token: testToken})
	srv.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	hs := srv.HTTPServer("127.0.0.1:0")
	hs.ReadHeaderTimeout = 300 * time.Millisecond
	hs.ReadTimeout = time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()

	// Slowloris: 50 connections that send a header byte now and then.
	var slow []net.Conn
	for range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		slow = append(slow, c)
	}
	defer func() {
		for _, c := range slow {
			c.Close()
		}
	}()
	// Malformed requests.
	for _, raw := range []string{"\x00\x01\x02garbage\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/v1/machines?price=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /api/v1/simulate HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(2 * time.Second))
		fmt.Fprint(c, raw)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode == 500 || strings.Contains(string(b), "goroutine") || strings.Contains(string(b), "/work/") {
				t.Errorf("%.40q: %d %s", raw, resp.StatusCode, b)
			}
			resp.Body.Close()
		}
		c.Close()
	}
	// Oversized body over the wire.
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/simulate", strings.NewReader(strings.Repeat("x", 2<<20)))
	req.Header.Set("Authorization", "Bearer "+testToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		if resp.StatusCode != 413 {
			t.Errorf("2 MiB body: %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
	// The slow connections are cut by ReadHeaderTimeout; healthz answers fast.
	time.Sleep(500 * time.Millisecond)
	client := &http.Client{Timeout: 2 * time.Second}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	// Generous for a loaded 2-core machine; a stuck server takes the full 2 s timeout.
	if d := time.Since(start); d > time.Second {
		t.Errorf("healthz took %s", d)
	}
	cut := 0
	for _, c := range slow {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF || (err == nil) {
			cut++
		}
	}
	if cut < len(slow) {
		t.Errorf("%d of %d slow connections were not closed by the header timeout", len(slow)-cut, len(slow))
	}
}

func TestNonLoopbackListen(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8785": true, "[::1]:80": true, "localhost:1": true,
		"0.0.0.0:8785": false, ":8785": false, "192.168.1.2:8785": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}

// The token comes from the config's token_file, else $HASHFALL_TOKEN;
// a short one is refused.
func TestTokenFromFileOrEnvironment(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "token"), []byte(testToken+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "short"), []byte("abc\n"), 0o600)
	c := &FileConfig{TokenFile: filepath.Join(dir, "token")}
	if tok, err := c.Token(); err != nil || tok != testToken {
		t.Errorf("file: %q %v", tok, err)
	}
	c.TokenFile = filepath.Join(dir, "short")
	if _, err := c.Token(); err == nil {
		t.Errorf("short token accepted")
	}
	t.Setenv(TokenEnv, "from-the-environment-0123")
	if tok, _ := (&FileConfig{}).Token(); tok != "from-the-environment-0123" {
		t.Errorf("env: %q", tok)
	}
}

// A value JSON cannot carry becomes a one-line 500, never a 200 with a
// truncated body.
func TestNonFiniteValueIsA500(t *testing.T) {
	rec := httptest.NewRecorder()
	writeJSON(rec, 200, map[string]float64{"x": math.NaN()})
	if rec.Code != 500 || strings.Count(rec.Body.String(), "\n") != 1 || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}

// GET /api/v1/jobs/{id} with Accept: text/event-stream streams the job's
// progress and ends with its final state.
func TestJobEventStream(t *testing.T) {
	s := New(Config{Token: testToken})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.jobs.stop()
	code, body := post(t, s.Handler(), "/api/v1/simulate?paths=40&horizon_days=60&seed=11", testToken, "bear")
	if code != 202 {
		t.Fatalf("%d %s", code, body)
	}
	var j Job
	json.Unmarshal([]byte(body), &j)
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/jobs/"+j.ID, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var events []Job
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var ev Job
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatal(err)
			}
			events = append(events, ev)
		}
	}
	if len(events) == 0 || events[len(events)-1].Status != "done" || len(events[len(events)-1].Summary) == 0 {
		t.Fatalf("%d events, last %+v", len(events), events[len(events)-1])
	}
	for i := 1; i < len(events); i++ {
		if events[i].Progress < events[i-1].Progress {
			t.Errorf("progress went back: %g then %g", events[i-1].Progress, events[i].Progress)
		}
	}
}
