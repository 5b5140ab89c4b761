package browsertest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/hashfall/hashfall/internal/testbin"
)

// Browser is one headless Chromium with a fresh profile, stopped when the
// test ends.
type Browser struct {
	ctx context.Context
}

// Start launches chromium (or chromium-browser) headless with no sandbox,
// GPU, QUIC, first-run or background network traffic, and a user-data-dir
// in t.TempDir(). It skips (fails under CI=true) when chromium is missing.
func Start(t testing.TB) *Browser {
	t.Helper()
	bin := testbin.Need(t, "chromium", "chromium", "chromium-browser")
	// Not t.TempDir: chromium may still be writing its profile for a moment
	// after it is told to stop, so removal retries.
	profile, err := os.MkdirTemp("", "hashfall-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Run(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(profile)
		testbin.Missing(t, "chromium %s does not start: %v", bin, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		for i := 0; i < 50 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return &Browser{ctx: bctx}
}

// Page is one tab, with what it has logged and failed to load.
type Page struct {
	// Ctx is the tab's chromedp context, for actions the helpers lack.
	Ctx    context.Context
	Width  int
	Height int

	mu       sync.Mutex
	problems []string
	requests map[network.RequestID]string
	allow    []*regexp.Regexp
}

// NewPage opens a tab with a viewport of width×height CSS pixels that
// records console errors, uncaught exceptions, failed requests and HTTP
// answers ≥ 400 from the moment it opens. The tab closes when the test ends.
func (b *Browser) NewPage(t testing.TB, width, height int) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	p := &Page{Ctx: ctx, Width: width, Height: height, requests: map[network.RequestID]string{}}
	p.Allow(`/favicon\.ico$`) // the browser asks for it whether the page links one or not
	chromedp.ListenTarget(ctx, p.listen)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(),
		emulation.SetDeviceMetricsOverride(int64(width), int64(height), 1, width < 600)); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return p
}

// Allow makes later problems whose text matches re expected (for example
// an endpoint the test knows is absent).
func (p *Page) Allow(re string) {
	p.mu.Lock()
	p.allow = append(p.allow, regexp.MustCompile(re))
	p.mu.Unlock()
}

func (p *Page) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			p.add("console error: " + strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		msg := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
		p.add(fmt.Sprintf("exception: %s (%s:%d)", msg, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
	case *network.EventRequestWillBeSent:
		p.requests[e.RequestID] = e.Request.URL
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			p.add(fmt.Sprintf("HTTP %d %s", e.Response.Status, e.Response.URL))
		}
	case *network.EventLoadingFailed:
		if e.Canceled { // the page navigated away or closed an EventSource
			return
		}
		p.add(fmt.Sprintf("request failed: %s %s %s", p.requests[e.RequestID], e.ErrorText, e.BlockedReason))
	}
}

func (p *Page) add(s string) {
	for _, re := range p.allow {
		if re.MatchString(s) {
			return
		}
	}
	p.problems = append(p.problems, s)
}

// Problems returns the console errors, exceptions and failed requests so far.
func (p *Page) Problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

// CheckClean fails the test for every problem recorded so far.
func (p *Page) CheckClean(t testing.TB) {
	t.Helper()
	for _, s := range p.Problems() {
		t.Errorf("%dpx: %s", p.Width, s)
	}
}

// Run runs chromedp actions in the tab with a timeout, failing the test
// on error.
func (p *Page) Run(t testing.TB, timeout time.Duration, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, timeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%dpx: %v (problems so far: %v)", p.Width, err, p.Problems())
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) into out.
func (p *Page) Eval(t testing.TB, expr string, out any) {
	t.Helper()
	p.Run(t, 30*time.Second, chromedp.Evaluate(expr, out, func(e *runtime.EvaluateParams) *runtime.EvaluateParams {
		return e.WithAwaitPromise(true)
	}))
}

// Open navigates to url and waits for the load event and for sel to be
// visible.
func (p *Page) Open(t testing.TB, url, sel string) {
	t.Helper()
	p.Run(t, 30*time.Second, chromedp.Navigate(url), chromedp.WaitVisible(sel, chromedp.ByQuery))
}

// WaitJS polls a JavaScript boolean expression until it is true.
func (p *Page) WaitJS(t testing.TB, timeout time.Duration, expr string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		p.Eval(t, "!!("+expr+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%dpx: %s still false after %v (problems: %v)", p.Width, expr, timeout, p.Problems())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Text returns the text of the first node matching a CSS selector.
func (p *Page) Text(t testing.TB, sel string) string {
	t.Helper()
	var s string
	p.Run(t, 10*time.Second, chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// Attr returns an attribute of the first node matching a CSS selector.
func (p *Page) Attr(t testing.TB, sel, name string) string {
	t.Helper()
	var s string
	var ok bool
	p.Run(t, 10*time.Second, chromedp.AttributeValue(sel, name, &s, &ok, chromedp.ByQuery))
	if !ok {
		t.Fatalf("%s has no attribute %s", sel, name)
	}
	return s
}

// SetValue sets an input's value and fires input and change events, as
// typing would.
func (p *Page) SetValue(t testing.TB, sel, value string) {
	t.Helper()
	p.Run(t, 10*time.Second, chromedp.SetValue(sel, value, chromedp.ByQuery), chromedp.Evaluate(fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); })()`, sel), nil))
}

// OutDir is where screenshots go: $HASHFALL_SCREENSHOTS if set (created),
// else a directory of the test's own.
func OutDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("HASHFALL_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
