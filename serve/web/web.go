package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:generate sh vendor.sh

//go:embed static pages
var files embed.FS

// Page is one dashboard page: its path, its nav label and the template
// (pages/<Name>.html) that fills the layout's main element.
type Page struct {
	Path, Label, Name string
}

// Pages are the dashboard's pages in nav order.
var Pages = []Page{
	{"/", "Network", "network"},
	{"/machines", "Machines", "machines"},
	{"/fleet", "Fleet", "fleet"},
	{"/simulate", "Simulate", "simulate"},
	{"/pools", "Pools", "pools"},
	{"/alerts", "Alerts", "alerts"},
}

// Handler serves the dashboard: each page rendered once from the layout
// and its template, and the static files (CSS, JS, vendored uPlot) under
// /static/. It reads nothing but its embedded files; the pages fetch
// serve's /api/v1 from the browser.
func Handler() http.Handler {
	mux := http.NewServeMux()
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory exists
	}
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", cacheShort(fileServer))
	for _, p := range Pages {
		body := render(p)
		pattern := "GET " + p.Path
		if p.Path == "/" {
			pattern = "GET /{$}"
		}
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'")
			h.Set("X-Content-Type-Options", "nosniff")
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		})
	}
	return mux
}

// cacheShort lets a browser reuse static files for a few minutes: a
// dashboard left open re-fetches data, not code. A path that no embedded
// file can have (not valid UTF-8, say) is a 404 here: http.FileServerFS
// would answer 500.
func cacheShort(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name := strings.TrimPrefix(r.URL.Path, "/static/"); name != "" && !fs.ValidPath(strings.TrimSuffix(name, "/")) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// render executes the layout for page p. The templates are embedded, so
// an error is a programming error, caught by the package's tests.
func render(p Page) []byte {
	t := template.Must(template.ParseFS(files, "pages/layout.html", "pages/"+p.Name+".html"))
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", struct {
		Page  Page
		Pages []Page
	}{p, Pages}); err != nil {
		panic(fmt.Sprintf("web: page %s: %v", p.Name, err))
	}
	return b.Bytes()
}
