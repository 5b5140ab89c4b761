package serve

import "net/http"

// jobRunner runs simulations on request, at most max at once.
type jobRunner struct{ max int }

func newJobRunner(max int) *jobRunner { return &jobRunner{max: max} }

func (j *jobRunner) stop() {}

func (s *Server) handleSimulate(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotImplemented, "simulate: not implemented yet")
}

func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "no such job")
}
