package main

import (
	"net/http"

	"github.com/hashfall/hashfall/serve/web"
)

// webHandler is the embedded dashboard serve mounts at /.
func webHandler() http.Handler { return web.Handler() }
