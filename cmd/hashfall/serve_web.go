package main

import "net/http"

// webHandler is the dashboard mounted at /; nil until serve/web exists.
func webHandler() http.Handler { return nil }
