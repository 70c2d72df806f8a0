package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
)

// testTimeout bounds one koan's tests. A correct koan takes a second or two;
// a wrong answer that blocks is cut off here with a goroutine dump.
const testTimeout = "60s"

// outcome is what go test made of one koan package.
type outcome int

const (
	passed      outcome = iota
	failed              // a test failed
	buildFailed         // it did not compile
	notStarted          // not run: its stub still returns todo.Err and an earlier koan is the current one
)

// result is one package's run.
type result struct {
	Outcome  outcome
	Failures []failure // failing tests, in the order they ended
	Output   []string  // build errors, or the last words of a crash
	Elapsed  time.Duration
	TODO     bool // the output shows a stub's todo.Err: not started
	Panic    bool // a panic, a test timeout or a synctest deadlock
}

// failure is one failing test and what it printed.
type failure struct {
	Test  string
	Lines []string
}

// testEvent is one line of `go test -json` (cmd/test2json).
type testEvent struct {
	Action      string
	Package     string
	ImportPath  string // build-output and build-fail events
	Test        string
	Output      string
	Elapsed     float64
	FailedBuild string
}

// goTest runs the tests of the koans in one go test invocation (passing
// packages come from go's test cache) and returns a result per koan path.
func goTest(ctx context.Context, root, module string, koans []koan, tags string, race bool) (map[string]*result, error) {
	args := []string{"test", "-json", "-timeout", testTimeout}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	if race {
		args = append(args, "-race")
	}
	for _, k := range koans {
		args = append(args, "./"+k.Path())
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting go test: %w", err)
	}
	results := parseTestEvents(stdout)
	err = cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if len(results) == 0 && err != nil {
		// go test failed before running anything: a broken go.mod, say.
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	byPath := map[string]*result{}
	for _, k := range koans {
		r := results[module+"/"+k.Path()]
		if r == nil {
			r = &result{Outcome: buildFailed, Output: strings.Split(strings.TrimSpace(stderr.String()), "\n")}
		}
		byPath[k.Path()] = r
	}
	return byPath, nil
}

// parseTestEvents reads go test -json output into results by import path.
func parseTestEvents(r io.Reader) map[string]*result {
	results := map[string]*result{}
	get := func(pkg string) *result {
		if results[pkg] == nil {
			results[pkg] = &result{}
		}
		return results[pkg]
	}
	buildOutput := map[string][]string{} // "pkg [pkg.test]" -> compiler lines
	testOutput := map[string][]string{}  // pkg + "\x00" + test -> lines
	failedTests := map[string][]string{}
	pkgOutput := map[string][]string{} // lines outside any test: panics, timeouts

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e testEvent
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // not an event: go's own chatter
		}
		switch e.Action {
		case "build-output":
			buildOutput[e.ImportPath] = append(buildOutput[e.ImportPath], strings.TrimRight(e.Output, "\n"))
		case "output":
			line := strings.TrimRight(e.Output, "\n")
			if strings.Contains(line, todo.Text) {
				get(e.Package).TODO = true
			}
			if isPanic(line) {
				get(e.Package).Panic = true
			}
			if e.Test != "" {
				key := e.Package + "\x00" + e.Test
				testOutput[key] = append(testOutput[key], line)
			} else {
				pkgOutput[e.Package] = append(pkgOutput[e.Package], line)
			}
		case "fail":
			res := get(e.Package)
			if e.Test != "" {
				failedTests[e.Package] = append(failedTests[e.Package], e.Test)
				continue
			}
			res.Elapsed = time.Duration(e.Elapsed * float64(time.Second))
			if e.FailedBuild != "" {
				res.Outcome = buildFailed
				res.Output = buildOutput[e.FailedBuild]
				continue
			}
			res.Outcome = failed
		case "pass":
			if e.Test == "" {
				res := get(e.Package)
				res.Outcome = passed
				res.Elapsed = time.Duration(e.Elapsed * float64(time.Second))
			}
		}
	}
	for pkg, res := range results {
		if res.Outcome != failed {
			continue
		}
		for _, test := range leafTests(failedTests[pkg]) {
			var lines []string
			for _, line := range testOutput[pkg+"\x00"+test] {
				if !strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
					lines = append(lines, line)
				}
			}
			res.Failures = append(res.Failures, failure{Test: test, Lines: lines})
		}
		if len(res.Failures) == 0 || res.Panic {
			// A panic or timeout kills the binary: its story is in the
			// package's own output.
			res.Output = pkgOutput[pkg]
		}
	}
	return results
}

// leafTests drops a failing test whose subtests failed too: the subtests'
// output is the story, the parent's is only "--- FAIL".
func leafTests(tests []string) []string {
	var leaves []string
	for _, t := range tests {
		parent := false
		for _, u := range tests {
			if strings.HasPrefix(u, t+"/") {
				parent = true
				break
			}
		}
		if !parent {
			leaves = append(leaves, t)
		}
	}
	return leaves
}

func isPanic(line string) bool {
	return strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")
}

// moduleRoot returns the directory of go.mod and the module path, so the
// runner works from any directory inside the course.
func moduleRoot(ctx context.Context) (root, module string, err error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}\t{{.Path}}").Output()
	if err != nil {
		return "", "", fmt.Errorf("finding the course's go.mod (run this inside the netkoans checkout): %w", err)
	}
	root, module, ok := strings.Cut(strings.TrimSpace(string(out)), "\t")
	if !ok || root == "" {
		return "", "", fmt.Errorf("go list -m printed %q", out)
	}
	if _, err := os.Stat(root); err != nil {
		return "", "", err
	}
	return root, module, nil
}
