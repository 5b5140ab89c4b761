package serve

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hashfall/hashfall/sim"
)

// Simulation bounds: a request may not ask for more work than this.
const (
	maxSimPaths       = 2000
	maxSimHorizonDays = 3 * 365
	maxSimEpochs      = 2000
	// maxQueuedJobs bounds the jobs waiting for a slot; past it, 503.
	maxQueuedJobs = 16
	// maxKeptJobs bounds the finished jobs remembered (and cached).
	maxKeptJobs = 200
)

// Job is one simulation's state, as GET /api/v1/jobs/{id} shows it.
type Job struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"` // queued, running, done, failed
	Progress float64         `json:"progress"`
	Cached   bool            `json:"cached"`
	Scenario string          `json:"scenario"`
	Paths    int             `json:"paths"`
	Horizon  int             `json:"horizon_days"`
	Seed     uint64          `json:"seed"`
	Error    string          `json:"error,omitempty"`
	Summary  json.RawMessage `json:"summary,omitempty"`
	Created  time.Time       `json:"created"`
	Finished *time.Time      `json:"finished,omitempty"`
}

type job struct {
	mu       sync.Mutex
	view     Job
	key      string
	done     atomic.Int64
	total    atomic.Int64
	finished bool
}

func (j *job) snapshot() Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.view
	if v.Status == "running" && j.total.Load() > 0 {
		v.Progress = float64(j.done.Load()) / float64(j.total.Load())
	}
	return v
}

// jobRunner runs simulations at most max at once; finished jobs are kept
// (bounded) and double as the cache keyed by scenario hash, options and seed.
type jobRunner struct {
	slots  chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	byID   map[string]*job
	byKey  map[string]*job
	order  []string
	queued int
}

func newJobRunner(max int) *jobRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobRunner{slots: make(chan struct{}, max), ctx: ctx, cancel: cancel, byID: map[string]*job{}, byKey: map[string]*job{}}
}

// stop cancels running jobs and waits for them.
func (r *jobRunner) stop() {
	r.cancel()
	r.wg.Wait()
}

var errQueueFull = errors.New("too many simulations queued: retry later")

// submit starts (or finds in the cache) the job for a scenario.
func (r *jobRunner) submit(s *sim.Scenario, body []byte, o sim.Options) (Job, error) {
	sum := sha256.Sum256(body)
	key := fmt.Sprintf("%x|%d|%d|%d|%s", sum, o.Paths, o.HorizonDays, o.Seed, o.Engine)
	r.mu.Lock()
	if j, ok := r.byKey[key]; ok {
		r.mu.Unlock()
		v := j.snapshot()
		v.Cached = true
		return v, nil
	}
	if r.queued >= maxQueuedJobs {
		r.mu.Unlock()
		return Job{}, errQueueFull
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	j := &job{key: key, view: Job{ID: hex.EncodeToString(id[:]), Status: "queued", Scenario: s.Name, Paths: o.Paths,
		Horizon: o.HorizonDays, Seed: o.Seed, Created: time.Now().UTC()}}
	r.byID[j.view.ID] = j
	r.byKey[key] = j
	r.order = append(r.order, j.view.ID)
	r.queued++
	r.evictLocked()
	r.mu.Unlock()

	r.wg.Add(1)
	go r.run(j, s, o)
	return j.snapshot(), nil
}

// evictLocked forgets the oldest finished jobs beyond maxKeptJobs.
func (r *jobRunner) evictLocked() {
	for i := 0; len(r.order) > maxKeptJobs && i < len(r.order); {
		j := r.byID[r.order[i]]
		j.mu.Lock()
		fin := j.finished
		j.mu.Unlock()
		if !fin {
			i++
			continue
		}
		delete(r.byID, j.view.ID)
		if r.byKey[j.key] == j {
			delete(r.byKey, j.key)
		}
		r.order = append(r.order[:i], r.order[i+1:]...)
	}
}

func (r *jobRunner) run(j *job, s *sim.Scenario, o sim.Options) {
	defer r.wg.Done()
	select {
	case r.slots <- struct{}{}:
	case <-r.ctx.Done():
		r.finish(j, nil, r.ctx.Err())
		return
	}
	defer func() { <-r.slots }()
	r.mu.Lock()
	r.queued--
	r.mu.Unlock()
	j.mu.Lock()
	j.view.Status = "running"
	j.mu.Unlock()
	sum, err := sim.Run(r.ctx, s, o, sim.RunControl{Progress: func(done, total int) {
		j.done.Store(int64(done))
		j.total.Store(int64(total))
	}})
	var out json.RawMessage
	if err == nil {
		out, err = json.Marshal(sum.Report(1))
	}
	r.finish(j, out, err)
}

func (r *jobRunner) finish(j *job, summary json.RawMessage, err error) {
	now := time.Now().UTC()
	j.mu.Lock()
	j.finished = true
	j.view.Finished = &now
	if err != nil {
		j.view.Status, j.view.Error = "failed", oneLine(err.Error())
	} else {
		j.view.Status, j.view.Progress, j.view.Summary = "done", 1, summary
	}
	j.mu.Unlock()
	if err != nil {
		// A failed run is not cached: the same request may succeed later.
		r.mu.Lock()
		if r.byKey[j.key] == j {
			delete(r.byKey, j.key)
		}
		r.mu.Unlock()
	}
}

func (r *jobRunner) get(id string) (Job, bool) {
	r.mu.Lock()
	j, ok := r.byID[id]
	r.mu.Unlock()
	if !ok {
		return Job{}, false
	}
	return j.snapshot(), true
}

// ParseSimulationRequest reads a simulate request: the body is a built-in
// scenario name or a scenario YAML document; the query sets paths,
// horizon_days, seed and engine within serve's bounds. A scenario may not
// name files (bootstrap price CSVs): the server's disk is not the client's.
func ParseSimulationRequest(rawQuery string, body []byte) (*sim.Scenario, sim.Options, error) {
	q := parseQuery(rawQuery, "paths", "horizon_days", "seed", "engine")
	o := sim.Options{
		Paths:       int(q.integer("paths", 500, 1, maxSimPaths)),
		HorizonDays: int(q.integer("horizon_days", 0, 0, maxSimHorizonDays)),
		Seed:        uint64(q.integer("seed", 1, 0, 1<<62)),
		Engine:      q.oneOf("engine", sim.EngineFast, sim.EngineFast, sim.EngineBlock),
		Threads:     1,
	}
	if q.err != nil {
		return nil, o, q.err
	}
	text := strings.TrimSpace(string(body))
	if text == "" {
		return nil, o, &paramError{"body", "give a built-in scenario name (" + strings.Join(sim.BuiltinScenarios(), ", ") + ") or a scenario YAML document"}
	}
	var s *sim.Scenario
	var err error
	if !strings.ContainsAny(text, ":\n") {
		for _, n := range sim.BuiltinScenarios() {
			if text == n {
				s, err = sim.LoadScenario(n)
			}
		}
		if s == nil && err == nil {
			return nil, o, &paramError{"body", fmt.Sprintf("%q is not a built-in scenario (%s)", printable(text), strings.Join(sim.BuiltinScenarios(), ", "))}
		}
	} else {
		// Decoded first (escapes and all), so that no file is opened.
		var head struct {
			Price struct {
				Model string `yaml:"model"`
				CSV   string `yaml:"csv"`
			} `yaml:"price"`
		}
		if err := yaml.Unmarshal(body, &head); err != nil {
			return nil, o, &paramError{"body", "not a scenario YAML document: " + err.Error()}
		}
		if head.Price.Model == "bootstrap" || head.Price.CSV != "" {
			return nil, o, &paramError{"body", "price model bootstrap reads a file on the server: not accepted over HTTP"}
		}
		s, err = sim.ParseScenario(body, "body", "")
	}
	if err != nil {
		return nil, o, &paramError{"body", err.Error()}
	}
	if s.Price.Model == "bootstrap" {
		return nil, o, &paramError{"body", "price model bootstrap reads a file on the server: not accepted over HTTP"}
	}
	if o.HorizonDays == 0 && s.HorizonDays > maxSimHorizonDays {
		o.HorizonDays = maxSimHorizonDays
	}
	if s.Kind == sim.KindExogenous {
		if q.has("horizon_days") {
			return nil, o, &paramError{"horizon_days", "does not apply to the exogenous scenario"}
		}
		o.HorizonDays = 0
		if s.Exogenous.Epochs > maxSimEpochs {
			return nil, o, &paramError{"body", fmt.Sprintf("exogenous.epochs must be ≤ %d over HTTP, got %d", maxSimEpochs, s.Exogenous.Epochs)}
		}
	}
	return s, o, nil
}

func (s *Server) handleSimulate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "reading the body failed")
		return
	}
	sc, o, err := ParseSimulationRequest(r.URL.RawQuery, body)
	if err != nil {
		var pe *paramError
		if errors.As(err, &pe) {
			writeJSON(w, http.StatusBadRequest, apiError{Error: oneLine(pe.Error()), Parameter: pe.name})
			return
		}
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	j, err := s.jobs.submit(sc, body, o)
	if err != nil {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.Header().Set("Location", "/api/v1/jobs/"+j.ID)
	writeJSON(w, http.StatusAccepted, j)
}

func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	id := r.PathValue("id")
	j, ok := s.jobs.get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "no such job")
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		s.streamJob(w, r, id)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// jobStreamEvery is how often a job's event stream checks its progress.
const jobStreamEvery = 250 * time.Millisecond

// streamJob sends `event: job` with the Job as data whenever its status or
// progress changes, ending after the final (done or failed) one.
func (s *Server) streamJob(w http.ResponseWriter, r *http.Request, id string) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(jobStreamEvery)
	defer tick.Stop()
	var last Job
	for first := true; ; first = false {
		j, _ := s.jobs.get(id)
		if first || j.Status != last.Status || j.Progress != last.Progress {
			b, err := json.Marshal(j)
			if err != nil {
				return
			}
			if _, err := fmt.Fprintf(w, "event: job\ndata: %s\n\n", b); err != nil || rc.Flush() != nil {
				return
			}
			last = j
		}
		if j.Status == "done" || j.Status == "failed" {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.events.closed:
			return
		case <-tick.C:
		}
	}
}
