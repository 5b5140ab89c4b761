package browsertest

import (
	"image"
	"image/color"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fixture pages: each one breaks exactly one rule the checks enforce,
// and "good" breaks none.
var fixtures = map[string]string{
	"/good": `<!doctype html><html lang="en"><head><title>good</title></head><body><main><h1>Good</h1>
<p>Some text, and a drawn canvas.</p><canvas id="c" width="300" height="150"></canvas>
<script>const g = document.getElementById("c").getContext("2d"); g.fillStyle = "#06c"; g.fillRect(10, 10, 200, 100);</script></main></body></html>`,
	"/errors": `<!doctype html><html lang="en"><head><title>errors</title></head><body><main><h1>Errors</h1>
<img src="/missing.png" alt="missing"><script>console.error("boom"); undefinedFunction();</script></main></body></html>`,
	"/wide":         `<!doctype html><html lang="en"><head><title>wide</title></head><body><main><h1>Wide</h1><div id="w" style="width:2000px;height:10px;background:#000"></div></main></body></html>`,
	"/empty-canvas": `<!doctype html><html lang="en"><head><title>empty</title></head><body><main><h1>Empty</h1><div id="chart"><canvas width="300" height="150"></canvas></div></main></body></html>`,
	"/inaccessible": `<!doctype html><html><head><title>a11y</title></head><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"><input type="text"></body></html>`,
}

func fixtureServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := fixtures[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The checks must pass the good page and catch each broken one; a check
// that passes everything would be worthless.
func TestChecksCatchBrokenPages(t *testing.T) {
	b := Start(t)
	base := fixtureServer(t)

	good := b.NewPage(t, 390, 800)
	good.Open(t, base+"/good", "h1")
	good.CheckClean(t)
	good.CheckNoHorizontalOverflow(t)
	if n := good.CheckCanvases(t); n != 1 {
		t.Errorf("good page: %d canvases, want 1", n)
	}
	CheckNotBlank(t, "good", good.Screenshot(t, t.TempDir(), "good"))
	if l := good.Performance(t); l.TransferBytes <= 0 || l.FirstContentMs <= 0 {
		t.Errorf("performance entries missing: %+v", l)
	}

	bad := b.NewPage(t, 390, 800)
	bad.Open(t, base+"/errors", "h1")
	bad.WaitJS(t, 5e9, `document.readyState === "complete"`)
	probs := strings.Join(bad.Problems(), "\n")
	for _, want := range []string{"console error: boom", "undefinedFunction", "HTTP 404"} {
		if !strings.Contains(probs, want) {
			t.Errorf("errors page: %q not reported; got:\n%s", want, probs)
		}
	}

	wide := b.NewPage(t, 390, 800)
	wide.Open(t, base+"/wide", "h1")
	if !fails(func(t testing.TB) { wide.CheckNoHorizontalOverflow(t) }) {
		t.Error("a 2000 px element in a 390 px viewport was not reported as overflow")
	}

	empty := b.NewPage(t, 390, 800)
	empty.Open(t, base+"/empty-canvas", "h1")
	if !fails(func(t testing.TB) { empty.CheckCanvases(t) }) {
		t.Error("an undrawn canvas was not reported empty")
	}

	a11y := b.NewPage(t, 1440, 900)
	a11y.Open(t, base+"/inaccessible", "body")
	ids := map[string]bool{}
	for _, v := range a11y.Axe(t) {
		ids[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label", "html-has-lang"} {
		if !ids[want] {
			t.Errorf("axe did not report %s on a page that breaks it; got %v", want, ids)
		}
	}
}

func TestDominantShare(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if s := DominantShare(img); s != 1 {
		t.Errorf("white image: dominant share %g, want 1", s)
	}
	for y := 0; y < 50; y++ {
		for x := 0; x < 100; x++ {
			img.Set(x, y, color.RGBA{0, 0, 0, 255})
		}
	}
	if s := DominantShare(img); s != 0.5 {
		t.Errorf("half black image: dominant share %g, want 0.5", s)
	}
}

// recorder is a testing.TB that records failure instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Error(...any)          { r.failed = true }
func (r *recorder) Helper()               {}

// fails reports whether check reports an error.
func fails(check func(testing.TB)) bool {
	r := &recorder{TB: &testing.T{}}
	check(r)
	return r.failed
}

func TestBlankPageIsBlank(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 390, 800))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if !fails(func(t testing.TB) { CheckNotBlank(t, "white", img) }) {
		t.Error("an all-white page was not reported blank")
	}
}
