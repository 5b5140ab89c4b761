package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/browsertest"
)

// htmlPages writes the three HTML outputs hashfall has (report --html,
// simulate --html, fleet rundown --html) into a directory.
func htmlPages(t *testing.T) (dir string, pages []string) {
	dir = t.TempDir()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"report.html", []string{"report"}},
		{"simulate.html", []string{"simulate", "--scenario", "default", "--paths", "100", "--horizon-days", "120"}},
		{"rundown.html", []string{"fleet", "rundown", "../../examples/fleet.yaml"}},
	} {
		args := append(c.args, "--html", filepath.Join(dir, c.name))
		if _, stderr, code := runCLI(t, args...); code != 0 {
			t.Fatalf("hashfall %v: exit %d: %s", args, code, stderr)
		}
		pages = append(pages, c.name)
	}
	return dir, pages
}

// Each HTML page hashfall writes, in a real headless Chromium at a
// desktop and a phone width: nothing fails to load, the page is not
// blank, nothing makes it scroll sideways, and no table cell holding a
// date or a model name wraps.
func TestHTMLPagesInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	dir, pages := htmlPages(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	out := browsertest.OutDir(t)
	for _, sz := range []struct{ w, h int }{{1400, 900}, {390, 844}} {
		for _, name := range pages {
			shot := fmt.Sprintf("%s-%d", name[:len(name)-len(".html")], sz.w)
			t.Run(shot, func(t *testing.T) {
				p := b.NewPage(t, sz.w, sz.h)
				p.Open(t, srv.URL+"/"+name, "body")
				p.WaitJS(t, 10*time.Second, `document.readyState === "complete"`)
				browsertest.CheckNotBlank(t, shot, p.Screenshot(t, out, shot))
				p.CheckNoHorizontalOverflow(t)
				p.CheckNoWrappedCells(t, `^\d{4}-\d{2}-\d{2}`, `^(Antminer |Whatsminer |Avalon )?[A-Z]\d`)
				if sz.w >= 1400 && name == "report.html" {
					// At a desktop width the report's tables fit: no sideways
					// scrolling inside them either.
					var wide []string
					p.Eval(t, `[...document.querySelectorAll(".scroll")].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.previousElementSibling ? e.previousElementSibling.textContent : "?")`, &wide)
					if len(wide) > 0 {
						t.Errorf("tables scroll sideways at %d px: %v", sz.w, wide)
					}
				}
				p.CheckClean(t)
			})
		}
	}
}
