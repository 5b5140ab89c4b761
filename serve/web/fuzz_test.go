package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Any request path gets a page, a static file, a redirect or a 404: never
// a 5xx, and never a file from outside the embedded tree.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"/", "/machines", "/static/app.js", "/static/../web.go", "/static/%2e%2e/web.go", "/static/vendor/uplot/", "//x", "/static/vendor/uplot/SOURCE"} {
		f.Add(s)
	}
	h := Handler()
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") {
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return // no client can send it
		}
		req := httptest.NewRequest("GET", "http://x"+path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q: %d", path, rec.Code)
		}
		if rec.Code == 200 && strings.Contains(rec.Body.String(), "package web") {
			t.Fatalf("%q served Go source", path)
		}
	})
}
