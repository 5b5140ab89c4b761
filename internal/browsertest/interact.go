package browsertest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Dark makes the page see prefers-color-scheme: dark (call before Open).
func (p *Page) Dark(t testing.TB) {
	t.Helper()
	p.Run(t, 10*time.Second, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}))
}

// TabOrder presses Tab n times from where the focus is (the top of a page
// just opened) and describes the element that has the focus after each
// press ("a:Network", "button:PNG", "input#in-power:"), as a keyboard user
// meets them. It stops early at a stop for which stop returns true.
func (p *Page) TabOrder(t testing.TB, n int, stop func(string) bool) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		p.Run(t, 5*time.Second, chromedp.KeyEvent(kb.Tab))
		var d string
		p.Eval(t, `(() => { const e = document.activeElement; if (!e || e === document.body) return "body";
			return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + ":" + (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 40); })()`, &d)
		out = append(out, d)
		if stop != nil && stop(d) {
			break
		}
	}
	return out
}

// Press sends one key (kb.Enter, " ", ...) to the focused element.
func (p *Page) Press(t testing.TB, key string) {
	t.Helper()
	p.Run(t, 5*time.Second, chromedp.KeyEvent(key))
}

// AllowDownloads saves the page's downloads into dir under their own names.
func (p *Page) AllowDownloads(t testing.TB, dir string) {
	t.Helper()
	p.Run(t, 10*time.Second, browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dir))
}

// WaitFile waits for a complete file dir/name (Chromium writes a
// .crdownload first and renames it when done) and returns its contents.
func WaitFile(t testing.TB, dir, name string, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			return b
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("download %s not in %s after %v (have %v)", name, dir, timeout, names)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
