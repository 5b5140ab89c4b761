package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/testbin"
	"github.com/hashfall/hashfall/sweep"
)

// slurmSweepSpec makes each of 4 tasks take about 2 s on one core, long
// enough to cancel one while it runs.
const slurmSweepSpec = `name: slurm-test
base: ai-pivot
paths: 10000
horizon_days: 365
security_threshold_usd_per_day: 3.0e7
axes:
  - {key: start.fees_per_block_btc, unit: BTC/block, values: [0.02, 0.5]}
  - {key: ai.revenue_usd_per_kwh, unit: USD/kWh, values: [0.1, 0.4]}
`

// slurmCluster is a one-node Slurm (munged, slurmctld, slurmd) in a
// temporary directory, stopped by its daemons' PIDs when the test ends.
type slurmCluster struct {
	dir, conf string
	env       []string
}

// freePorts returns n distinct TCP ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// startDaemon starts a daemon in the foreground with its output in a log
// file, and stops it (SIGTERM, then SIGKILL after 10 s) when the test ends.
func startDaemon(t *testing.T, logPath string, name string, args ...string) *exec.Cmd {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		testbin.Missing(t, "cannot start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return cmd
}

func startSlurm(t *testing.T) *slurmCluster {
	t.Helper()
	progs := map[string]string{}
	for _, p := range [][2]string{{"munge", "munged"}, {"slurmctld", "slurmctld"}, {"slurmd", "slurmd"}, {"slurm-client", "sbatch"}, {"slurm-client", "squeue"}, {"slurm-client", "scontrol"}, {"slurm-client", "scancel"}, {"slurm-client", "sinfo"}, {"util-linux", "runuser"}} {
		progs[p[1]] = testbin.Need(t, p[0], p[1])
	}
	if os.Geteuid() != 0 {
		testbin.Missing(t, "the one-node Slurm runs its daemons as root (SlurmUser=root) and munged as user munge: run the tests as root")
	}
	mu, err := user.Lookup("munge")
	if err != nil {
		testbin.Missing(t, "no munge user (apt-get install munge): %v", err)
	}
	uid, _ := strconv.Atoi(mu.Uid)
	gid, _ := strconv.Atoi(mu.Gid)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ = strings.Cut(host, ".")

	// Not t.TempDir: munged, running as munge, must reach its socket
	// directory, and t.TempDir's parents are private to root.
	dir, err := os.MkdirTemp("", "hashfall-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &slurmCluster{dir: dir, conf: filepath.Join(dir, "slurm.conf")}
	c.env = append(os.Environ(), "SLURM_CONF="+c.conf)
	for _, d := range []string{"munge", "state", "spool", "log", "jobs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	md := filepath.Join(dir, "munge")
	key := filepath.Join(md, "munge.key")
	keyBytes := make([]byte, 1024)
	rand.Read(keyBytes)
	if err := os.WriteFile(key, keyBytes, 0o400); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{md, key} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(md, 0o711) // clients need to reach the socket
	sock := filepath.Join(md, "munge.socket")
	// logs to show when the test fails
	logs := []string{filepath.Join(dir, "log", "munged.out"), filepath.Join(md, "munged.log"), filepath.Join(dir, "log", "slurmctld.log"), filepath.Join(dir, "log", "slurmd.log"), filepath.Join(dir, "log", "slurmctld.out"), filepath.Join(dir, "log", "slurmd.out")}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("--- %s:\n%s", l, b)
		}
	})
	munged := startDaemon(t, logs[0], progs["runuser"], "-u", "munge", "--", progs["munged"], "--foreground", "--force",
		"--key-file="+key, "--socket="+sock, "--pid-file="+filepath.Join(md, "munged.pid"),
		"--log-file="+logs[1], "--seed-file="+filepath.Join(md, "munged.seed"))
	// runuser does not pass SIGTERM on: stop munged itself by its PID file.
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(md, "munged.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGTERM)
			}
		}
		_ = munged
	})
	if !waitFor(10*time.Second, func() bool { _, err := os.Stat(sock); return err == nil }) {
		testbin.Missing(t, "munged did not create its socket within 10 s")
	}

	ports := freePorts(t, 2)
	conf := fmt.Sprintf(`ClusterName=hashfalltest
SlurmctldHost=%[1]s
SlurmUser=root
SlurmdUser=root
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
AuthType=auth/munge
AuthInfo=socket=%[4]s
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[6]s
SlurmdLogFile=%[7]s
NodeName=%[1]s CPUs=2 State=UNKNOWN
PartitionName=test Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP
`, host, ports[0], ports[1], sock, dir, logs[2], logs[3])
	if err := os.WriteFile(c.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, logs[4], progs["slurmctld"], "-D", "-i", "-f", c.conf)
	startDaemon(t, logs[5], progs["slurmd"], "-D", "-f", c.conf)
	if !waitFor(30*time.Second, func() bool {
		out, _ := c.cmd("sinfo", "-h", "-o", "%T")
		return strings.TrimSpace(out) == "idle"
	}) {
		testbin.Missing(t, "the one-node Slurm did not come up idle within 30 s (logs above on failure)")
	}
	return c
}

func waitFor(d time.Duration, ok func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}

// cmd runs a Slurm client with this cluster's SLURM_CONF, bounded to 30 s.
func (c *slurmCluster) cmd(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = c.env, filepath.Join(c.dir, "jobs")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *slurmCluster) jobState(id string) string {
	out, _ := c.cmd("scontrol", "show", "job", id)
	m := regexp.MustCompile(`JobState=(\S+)`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}

// The shipped sbatch file on a real one-node Slurm: a 4-task array and its
// merge job; one task is cancelled while it runs and requeued; the merged
// file and printed cells equal a one-process run byte for byte.
func TestSweepOnRealSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Slurm cluster; skipped with -short")
	}
	c := startSlurm(t)
	dir := c.dir
	bin := filepath.Join(dir, "hashfall")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(slurmSweepSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	sbatchFile, err := filepath.Abs("../../examples/slurm/sweep.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	c.env = append(c.env, "HASHFALL="+bin)
	sub, err := c.cmd("bash", sbatchFile, "submit", spec, out, "4")
	if err != nil {
		t.Fatalf("submit: %v: %s", err, sub)
	}
	m := regexp.MustCompile(`array (\d+) merge (\d+)`).FindStringSubmatch(sub)
	if m == nil {
		t.Fatalf("submit printed %q", sub)
	}
	array, merge := m[1], m[2]
	t.Cleanup(func() { c.cmd("scancel", array, merge) })

	// Cancel task 1 once its script runs, then requeue it. A requeued job
	// waits for a begin time about two minutes ahead; move it to now.
	victim := array + "_1"
	taskLog := filepath.Join(out, "task-1.log")
	if !waitFor(60*time.Second, func() bool {
		b, _ := os.ReadFile(taskLog)
		return bytes.Contains(b, []byte("task 1 of 4 starting"))
	}) {
		t.Fatalf("task 1 never started: %s", c.jobState(victim))
	}
	if o, err := c.cmd("scancel", victim); err != nil {
		t.Fatalf("scancel: %v %s", err, o)
	}
	if !waitFor(20*time.Second, func() bool { return c.jobState(victim) == "CANCELLED" }) {
		t.Fatalf("task 1 is %s after scancel", c.jobState(victim))
	}
	if o, err := c.cmd("scontrol", "requeue", victim); err != nil {
		t.Fatalf("scontrol requeue: %v %s", err, o)
	}
	if o, err := c.cmd("scontrol", "update", "jobid="+victim, "StartTime=now"); err != nil {
		t.Fatalf("scontrol update StartTime: %v %s", err, o)
	}
	if !waitFor(180*time.Second, func() bool { s := c.jobState(merge); return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED" }) {
		q, _ := c.cmd("squeue")
		t.Fatalf("the merge job is %s after 180 s; squeue:\n%s", c.jobState(merge), q)
	}
	mergeLog, _ := os.ReadFile(filepath.Join(out, "merge.log"))
	if s := c.jobState(merge); s != "COMPLETED" {
		t.Fatalf("merge job %s: %s", s, mergeLog)
	}
	log1, _ := os.ReadFile(taskLog)
	if !bytes.Contains(log1, []byte("CANCELLED")) || !bytes.Contains(log1, []byte("(restart 1)")) {
		t.Errorf("task 1's log shows no cancellation and rerun:\n%s", log1)
	}

	// The reference: one process, one task.
	ref := filepath.Join(dir, "ref")
	if o, err := exec.Command(bin, "sweep", "run", spec, "--task", "0/1", "--out", ref).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v %s", err, o)
	}
	s, err := sweep.LoadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, sweep.MergedFileName(s.Hash())))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref, sweep.FileName(s.Hash(), 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Slurm's merged file (%d bytes) differs from the one-process run's (%d bytes)", len(got), len(want))
	}
	cells, err := os.ReadFile(filepath.Join(out, "cells.csv"))
	if err != nil {
		t.Fatal(err)
	}
	refCells, err := exec.Command(bin, "sweep", "merge", ref, "--format", "csv").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cells, refCells) {
		t.Fatalf("Slurm's cells.csv differs from the one-process run's:\n%s\n---\n%s", cells, refCells)
	}
}
