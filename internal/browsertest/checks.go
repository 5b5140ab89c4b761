package browsertest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Screenshot captures the whole page (beyond the viewport) as PNG, writes
// it to dir/name.png and returns the image.
func (p *Page) Screenshot(t testing.TB, dir, name string) image.Image {
	t.Helper()
	var buf []byte
	p.Run(t, 30*time.Second, chromedp.FullScreenshot(&buf, 100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	return img
}

// DominantShare is the share of an image's pixels that have its most
// common colour (each channel quantised to 16 levels, so antialiasing
// does not count as content).
func DominantShare(img image.Image) float64 {
	b := img.Bounds()
	counts := map[uint32]int{}
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[r>>12<<8|g>>12<<4|bl>>12]++
			n++
		}
	}
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	if n == 0 {
		return 1
	}
	return float64(top) / float64(n)
}

// MaxBlankShare is the largest share of one colour a rendered page may
// have: above it the page is taken as blank (a sparse page of a heading
// and a paragraph on a phone is about 99% background; an empty one 100%).
const MaxBlankShare = 0.995

// CheckNotBlank fails when the screenshot is nearly one colour.
func CheckNotBlank(t testing.TB, name string, img image.Image) {
	t.Helper()
	if s := DominantShare(img); s > MaxBlankShare {
		t.Errorf("%s: %.1f%% of the page is one colour: it rendered blank", name, 100*s)
	}
}

// CanvasInk is, for every canvas on the page, the share of its pixels
// that are not transparent.
type CanvasInk struct {
	ID    string  `json:"id"`
	Width int     `json:"width"`
	Ink   float64 `json:"ink"`
}

// Canvases measures every visible canvas's ink.
func (p *Page) Canvases(t testing.TB) []CanvasInk {
	t.Helper()
	var out []CanvasInk
	p.Eval(t, `[...document.querySelectorAll("canvas")].filter(c => c.offsetParent !== null).map(c => {
		const g = c.getContext("2d"); const d = g.getImageData(0, 0, c.width, c.height).data;
		let ink = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
		const host = c.closest("[id]");
		return {id: host ? host.id : "", width: c.width, ink: d.length ? ink / (d.length / 4) : 0};
	})`, &out)
	return out
}

// MinCanvasInk is the least share of a chart canvas that must be drawn:
// axes, grid and one series cover well over it.
const MinCanvasInk = 0.005

// CheckCanvases fails for every empty canvas and returns how many there are.
func (p *Page) CheckCanvases(t testing.TB) int {
	t.Helper()
	cs := p.Canvases(t)
	for _, c := range cs {
		if c.Width == 0 || c.Ink < MinCanvasInk {
			t.Errorf("%dpx: canvas in #%s is empty (%.3f%% drawn, width %d)", p.Width, c.ID, 100*c.Ink, c.Width)
		}
	}
	return len(cs)
}

// CheckNoHorizontalOverflow fails when the document is wider than the
// viewport (a phone user would have to scroll sideways), naming the
// widest offending elements.
func (p *Page) CheckNoHorizontalOverflow(t testing.TB) {
	t.Helper()
	var r struct {
		Scroll  int      `json:"scroll"`
		Client  int      `json:"client"`
		Culprit []string `json:"culprit"`
	}
	p.Eval(t, `(() => {
		const de = document.documentElement, w = de.clientWidth;
		const culprit = [...document.body.querySelectorAll("*")].filter(e => {
			const b = e.getBoundingClientRect();
			if (b.right <= w + 1) return false;
			for (let a = e.parentElement; a; a = a.parentElement) { const o = getComputedStyle(a).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return false; }
			return true;
		}).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "") + " right=" + Math.round(e.getBoundingClientRect().right));
		return {scroll: de.scrollWidth, client: w, culprit};
	})()`, &r)
	if r.Scroll > r.Client+1 {
		t.Errorf("%dpx: horizontal overflow: document %d px wide in a %d px viewport; widest: %v", p.Width, r.Scroll, r.Client, r.Culprit)
	}
}

//go:embed vendor/axe-core/axe.min.js
var axeSource string

// AxeViolation is one rule axe-core found broken.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
	Target string `json:"target"`
}

// Axe injects the vendored axe-core into the page and runs its WCAG 2 A
// and AA rules, returning the violations.
func (p *Page) Axe(t testing.TB) []AxeViolation {
	t.Helper()
	var loaded bool
	p.Eval(t, axeSource+";\ntypeof axe === 'object'", &loaded)
	if !loaded {
		t.Fatal("axe-core did not load")
	}
	var raw json.RawMessage
	p.Eval(t, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.length, target: v.nodes.length ? String(v.nodes[0].target) : ""})))`, &raw)
	var vs []AxeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}

// CheckAxe fails on every critical violation and logs the others.
func (p *Page) CheckAxe(t testing.TB, name string) []AxeViolation {
	t.Helper()
	vs := p.Axe(t)
	for _, v := range vs {
		msg := fmt.Sprintf("%s %dpx: axe %s (%s): %s — %d nodes, first %s", name, p.Width, v.ID, v.Impact, v.Help, v.Nodes, v.Target)
		if v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
	return vs
}

// Load is what the Performance API says about the page's first load.
type Load struct {
	TransferBytes  float64 `json:"transfer_bytes"`
	Resources      int     `json:"resources"`
	FirstPaintMs   float64 `json:"first_paint_ms"`
	FirstContentMs float64 `json:"first_contentful_paint_ms"`
	DOMContentMs   float64 `json:"dom_content_loaded_ms"`
	LoadEventEndMs float64 `json:"load_event_end_ms"`
}

// Performance reads the navigation and resource timing entries: bytes
// transferred (the document and every resource, headers included) and
// the paint times, all since navigation start.
func (p *Page) Performance(t testing.TB) Load {
	t.Helper()
	var l Load
	p.Eval(t, `(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const res = performance.getEntriesByType("resource");
		const paint = Object.fromEntries(performance.getEntriesByType("paint").map(e => [e.name, e.startTime]));
		return {
			transfer_bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
			resources: res.length + 1,
			first_paint_ms: paint["first-paint"] || 0,
			first_contentful_paint_ms: paint["first-contentful-paint"] || 0,
			dom_content_loaded_ms: nav.domContentLoadedEventEnd,
			load_event_end_ms: nav.loadEventEnd,
		};
	})()`, &l)
	return l
}

// CheckNoWrappedCells fails for every table cell whose text matches one
// of the JavaScript regular expressions and is laid out on more than one
// line (a date or a model name broken across lines).
func (p *Page) CheckNoWrappedCells(t testing.TB, patterns ...string) {
	t.Helper()
	var wrapped []string
	res, _ := json.Marshal(patterns)
	p.Eval(t, `(() => {
		const res = `+string(res)+`.map(s => new RegExp(s));
		const out = [];
		for (const td of document.querySelectorAll("td, th")) {
			const s = td.textContent.trim();
			if (!res.some(r => r.test(s))) continue;
			const range = document.createRange(); range.selectNodeContents(td);
			const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
			if (tops.size > 1) out.push(s + " (" + tops.size + " lines)");
		}
		return out.slice(0, 10);
	})()`, &wrapped)
	for _, w := range wrapped {
		t.Errorf("%dpx: table cell wraps: %s", p.Width, w)
	}
}
