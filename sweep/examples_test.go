package sweep

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// yamlDocs splits a multi-document YAML file, dropping empty documents.
func yamlDocs(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(d []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(d), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") && strings.TrimSpace(l) != "---" {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// The Kubernetes manifests decode strictly into k8s.io/api's types (an
// unknown or misspelt field fails), and the Indexed Job runs as many tasks
// as it has completions, on the volume it mounts.
func TestKubernetesManifestsMatchTheJobSchema(t *testing.T) {
	docs := yamlDocs(t, "../examples/k8s/sweep-job.yaml")
	if len(docs) != 2 {
		t.Fatalf("sweep-job.yaml has %d documents, want a PVC and a Job", len(docs))
	}
	var pvc corev1.PersistentVolumeClaim
	if err := yaml.UnmarshalStrict(docs[0], &pvc); err != nil {
		t.Fatalf("PVC: %v", err)
	}
	if pvc.Kind != "PersistentVolumeClaim" || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("the results volume is %s %v, want a ReadWriteMany PVC", pvc.Kind, pvc.Spec.AccessModes)
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(docs[1], &job); err != nil {
		t.Fatalf("Job: %v", err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" {
		t.Fatalf("%s %s, want batch/v1 Job", job.APIVersion, job.Kind)
	}
	if job.Spec.CompletionMode == nil || *job.Spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatal("the Job is not Indexed: pods would get no JOB_COMPLETION_INDEX")
	}
	if job.Spec.Completions == nil {
		t.Fatal("no completions")
	}
	c := job.Spec.Template.Spec.Containers[0]
	args := strings.Join(c.Command, " ")
	if !strings.Contains(args, "sweep run") || strings.Contains(args, "--task ") {
		t.Errorf("command %q should run sweep run with the index from the environment", args)
	}
	i := slices.Index(c.Command, "--tasks")
	if i < 0 || c.Command[i+1] != strconv.Itoa(int(*job.Spec.Completions)) {
		t.Errorf("command %q: --tasks must equal completions %d", args, *job.Spec.Completions)
	}
	checkMounts(t, job.Spec.Template.Spec, pvc.Name)
	if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever && job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyOnFailure {
		t.Errorf("restartPolicy %q is not allowed for a Job", job.Spec.Template.Spec.RestartPolicy)
	}

	var merge batchv1.Job
	mdocs := yamlDocs(t, "../examples/k8s/sweep-merge-job.yaml")
	if len(mdocs) != 1 {
		t.Fatalf("sweep-merge-job.yaml has %d documents", len(mdocs))
	}
	if err := yaml.UnmarshalStrict(mdocs[0], &merge); err != nil {
		t.Fatalf("merge Job: %v", err)
	}
	if !strings.Contains(strings.Join(merge.Spec.Template.Spec.Containers[0].Command, " "), "sweep merge /results") {
		t.Error("the merge Job does not merge /results")
	}
	checkMounts(t, merge.Spec.Template.Spec, pvc.Name)

	// Strictness is real: a misspelt field fails.
	bad := bytes.Replace(docs[1], []byte("completionMode:"), []byte("completionMod:"), 1)
	if err := yaml.UnmarshalStrict(bad, &batchv1.Job{}); err == nil {
		t.Error("a misspelt field decoded without error")
	}
}

// checkMounts checks every volume mount names a volume of the pod and that
// /results is the shared claim.
func checkMounts(t *testing.T, pod corev1.PodSpec, claim string) {
	t.Helper()
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	for _, c := range pod.Containers {
		for _, m := range c.VolumeMounts {
			v, ok := vols[m.Name]
			if !ok {
				t.Errorf("mount %s names no volume", m.Name)
				continue
			}
			if m.MountPath == "/results" && (v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != claim) {
				t.Errorf("/results is not the shared claim %s", claim)
			}
		}
	}
}

// The documented example spec loads and is the 1,000-cell sweep the
// README describes.
func TestExampleSpecLoads(t *testing.T) {
	s, err := LoadSpec("../examples/sweep.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Cells() != 1000 {
		t.Errorf("%d cells, want 1000", s.Cells())
	}
}
