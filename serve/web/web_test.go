package web

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, path string) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, rec.Header().Get("Content-Type"), string(b)
}

// Every page renders from the layout with the whole nav, marks itself
// current, and loads only same-origin scripts that exist.
func TestPagesRender(t *testing.T) {
	for _, p := range Pages {
		code, ctype, body := get(t, p.Path)
		if code != 200 || !strings.HasPrefix(ctype, "text/html") {
			t.Fatalf("%s: %d %s", p.Path, code, ctype)
		}
		for _, q := range Pages {
			if !strings.Contains(body, `href="`+q.Path+`"`) {
				t.Errorf("%s: nav lacks %s", p.Path, q.Path)
			}
		}
		if !strings.Contains(body, `href="`+p.Path+`" aria-current="page"`) {
			t.Errorf("%s: not marked current in the nav", p.Path)
		}
		for _, src := range []string{"/static/app.js", "/static/" + p.Name + ".js", "/static/vendor/uplot/uPlot.iife.min.js", "/static/style.css"} {
			if !strings.Contains(body, src) {
				t.Errorf("%s: does not load %s", p.Path, src)
			}
			if code, _, _ := get(t, src); code != 200 {
				t.Errorf("%s: %s answers %d", p.Path, src, code)
			}
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s: refers to another origin (no CDN, no web fonts)", p.Path)
		}
	}
}

func TestUnknownPathIs404(t *testing.T) {
	for _, p := range []string{"/nope", "/static/nope.js", "/machines/x"} {
		if code, _, _ := get(t, p); code != 404 {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
}
