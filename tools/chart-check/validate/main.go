// Command validate reads the manifests `helm template` renders (a multi-document YAML stream on stdin)
// and checks each one strictly against the Kubernetes API types: an unknown or misspelled field, a
// duplicated field or a value of the wrong type fails, as the API server would refuse it. It then
// applies Seedship's own deployment rules (resources, probes, non-root, pinned images).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

func main() {
	strict := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	var problems []string
	count := 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail("reading the rendered manifests: %v", err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		count++
		source := sourceOf(doc)
		obj, gvk, err := strict.Decode(doc, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", source, err))
			continue
		}
		for _, problem := range checkRules(obj) {
			problems = append(problems, fmt.Sprintf("%s (%s %s): %s", source, gvk.Kind, nameOf(obj), problem))
		}
	}
	if count == 0 {
		fail("no manifests on stdin")
	}
	if len(problems) > 0 {
		for _, problem := range problems {
			fmt.Fprintln(os.Stderr, "invalid:", problem)
		}
		fail("%d of the rendered manifests' checks failed", len(problems))
	}
	fmt.Printf("%d manifests valid\n", count)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "validate: "+format+"\n", args...)
	os.Exit(1)
}

// sourceOf names the template a document came from (helm writes "# Source: ..." above each).
func sourceOf(doc []byte) string {
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "# Source: ") {
			return strings.TrimPrefix(line, "# Source: ")
		}
	}
	return "(unknown template)"
}

func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out.WriteString(line + "\n")
		}
	}
	return out.Bytes()
}

func nameOf(obj runtime.Object) string {
	if named, ok := obj.(interface{ GetName() string }); ok {
		return named.GetName()
	}
	return ""
}

// checkRules holds what every Seedship workload must have, beyond what the API accepts.
func checkRules(obj runtime.Object) []string {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return checkPod(o.Spec.Template.Spec, true, true)
	case *appsv1.StatefulSet:
		return checkPod(o.Spec.Template.Spec, true, true)
	case *appsv1.DaemonSet:
		// The disk-prep agent runs as root: it opens block devices and mounts through FUSE.
		return checkPod(o.Spec.Template.Spec, true, false)
	case *batchv1.Job:
		return checkPod(o.Spec.Template.Spec, false, true)
	}
	return nil
}

func checkPod(pod corev1.PodSpec, longRunning, nonRoot bool) []string {
	var problems []string
	if nonRoot && (pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot) {
		problems = append(problems, "the pod does not set securityContext.runAsNonRoot: true")
	}
	for _, c := range pod.Containers {
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
			problems = append(problems, fmt.Sprintf("container %s has no CPU and memory requests", c.Name))
		}
		if c.Resources.Limits.Memory().IsZero() {
			problems = append(problems, fmt.Sprintf("container %s has no memory limit", c.Name))
		}
		if longRunning && (c.ReadinessProbe == nil || c.LivenessProbe == nil) {
			problems = append(problems, fmt.Sprintf("container %s lacks a readiness or liveness probe", c.Name))
		}
		lastPart := c.Image[strings.LastIndex(c.Image, "/")+1:]
		pinned := strings.Contains(c.Image, "@sha256:") || (strings.Contains(lastPart, ":") && !strings.HasSuffix(lastPart, ":latest"))
		if !pinned {
			problems = append(problems, fmt.Sprintf("container %s image %q is not pinned to a tag or digest", c.Name, c.Image))
		}
	}
	return problems
}
