package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCurriculumIsWellFormed(t *testing.T) {
	var dirs []string
	for _, p := range phases {
		dirs = append(dirs, p.Dir)
	}
	names := map[string]bool{}
	lastPhase := 0
	for _, k := range curriculum {
		i := slices.Index(dirs, k.Phase)
		require.GreaterOrEqual(t, i, 0, "%s: unknown phase", k.Path())
		require.GreaterOrEqual(t, i, lastPhase, "%s: the curriculum goes phase by phase", k.Path())
		lastPhase = i
		require.False(t, names[k.Name], "%s: koan names are unique, so `hint NAME` finds one", k.Path())
		names[k.Name] = true
	}
}

func TestFindKoan(t *testing.T) {
	for _, name := range []string{"tcpecho", "phase1/tcpecho", "./phase1/tcpecho/", `phase1\tcpecho`} {
		k, err := findKoan(name)
		require.NoError(t, err, name)
		require.Equal(t, "phase1/tcpecho", k.Path())
	}
	_, err := findKoan("nosuchkoan")
	require.ErrorContains(t, err, "list")
}

const events = `{"Action":"start","Package":"m/phase1/a"}
{"Action":"run","Package":"m/phase1/a","Test":"TestX"}
{"Action":"output","Package":"m/phase1/a","Test":"TestX","Output":"=== RUN   TestX\n"}
{"Action":"run","Package":"m/phase1/a","Test":"TestX/case"}
{"Action":"output","Package":"m/phase1/a","Test":"TestX/case","Output":"    a_test.go:9: got 1, want 2\n"}
{"Action":"output","Package":"m/phase1/a","Test":"TestX/case","Output":"        hint: add\n"}
{"Action":"output","Package":"m/phase1/a","Test":"TestX/case","Output":"    --- FAIL: TestX/case (0.00s)\n"}
{"Action":"fail","Package":"m/phase1/a","Test":"TestX/case","Elapsed":0}
{"Action":"output","Package":"m/phase1/a","Test":"TestX","Output":"--- FAIL: TestX (0.00s)\n"}
{"Action":"fail","Package":"m/phase1/a","Test":"TestX","Elapsed":0}
{"Action":"output","Package":"m/phase1/a","Test":"TestY","Output":"    a_test.go:20: TODO: not implemented yet (replace this stub's body with your answer)\n"}
{"Action":"fail","Package":"m/phase1/a","Test":"TestY","Elapsed":0}
{"Action":"output","Package":"m/phase1/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/phase1/a","Elapsed":1.5}
{"Action":"pass","Package":"m/phase1/b","Test":"TestZ","Elapsed":0}
{"Action":"pass","Package":"m/phase1/b","Elapsed":0.25}
{"ImportPath":"m/phase1/c [m/phase1/c.test]","Action":"build-output","Output":"# m/phase1/c\n"}
{"ImportPath":"m/phase1/c [m/phase1/c.test]","Action":"build-output","Output":"c.go:3:1: syntax error\n"}
{"ImportPath":"m/phase1/c [m/phase1/c.test]","Action":"build-fail"}
{"Action":"fail","Package":"m/phase1/c","Elapsed":0,"FailedBuild":"m/phase1/c [m/phase1/c.test]"}
{"Action":"output","Package":"m/phase1/d","Test":"TestHang","Output":"=== RUN   TestHang\n"}
{"Action":"output","Package":"m/phase1/d","Output":"panic: test timed out after 1m0s\n"}
{"Action":"fail","Package":"m/phase1/d","Elapsed":60}
not json: go's own chatter
`

func TestParseTestEvents(t *testing.T) {
	results := parseTestEvents(strings.NewReader(events))

	a := results["m/phase1/a"]
	require.Equal(t, failed, a.Outcome)
	require.True(t, a.TODO, "the sentinel's text marks a stub")
	require.Equal(t, 1.5, a.Elapsed.Seconds())
	require.Len(t, a.Failures, 2, "a parent whose subtest failed is not listed: the subtest tells the story")
	require.Equal(t, "TestX/case", a.Failures[0].Test)
	require.Equal(t, []string{"    a_test.go:9: got 1, want 2", "        hint: add"}, a.Failures[0].Lines)
	require.Equal(t, "TestY", a.Failures[1].Test)

	require.Equal(t, passed, results["m/phase1/b"].Outcome)

	c := results["m/phase1/c"]
	require.Equal(t, buildFailed, c.Outcome)
	require.Equal(t, []string{"# m/phase1/c", "c.go:3:1: syntax error"}, c.Output)

	d := results["m/phase1/d"]
	require.Equal(t, failed, d.Outcome)
	require.True(t, d.Panic)
	require.Contains(t, d.Output, "panic: test timed out after 1m0s")
}

func TestTrimFailure(t *testing.T) {
	root := filepath.FromSlash("/home/me/netkoans")
	lines := []string{
		"=== RUN   TestEcho",
		"    echo_test.go:88: ",
		"        \tError Trace:\t" + root + "/phase1/echo/echo_test.go:88",
		"        \t            \t" + root + "/phase1/echo/echo_test.go:120",
		"        \tError:      \tNot equal:",
		"        \t            \texpected: \"hello\"",
		"        \tTest:       \tTestEcho",
		"        \tMessages:   \thint: use bufio",
		"panic: test timed out after 60s",
		"",
		"goroutine 7 [IO wait]:",
		"internal/poll.runtime_pollWait(0x0)",
		"\t/usr/local/go/src/runtime/netpoll.go:351 +0x85",
		"m/phase1/echo.Handle(...)",
		"\t" + root + "/phase1/echo/echo.go:12 +0x1",
		"",
		"goroutine 1 [chan receive]:",
		"testing.(*T).Run(...)",
		"",
	}
	got := trimFailure(lines, root, "m/phase1/echo", 40)
	want := []string{
		"    echo_test.go:88: ",
		"        Error: Not equal:",
		"            expected: \"hello\"",
		"        Messages: hint: use bufio",
		"The tests were still running after 60s: something blocked forever. Below is where your code was stuck.",
		"panic: test timed out after 60s",
		"",
		"goroutine 7 [IO wait]:",
		"internal/poll.runtime_pollWait(0x0)",
		"m/phase1/echo.Handle(...)",
		"\tphase1/echo/echo.go:12 +0x1",
	}
	require.Equal(t, want, got, "no trace, no RUN lines, relative paths, only the koan's goroutines")

	long := make([]string, 100)
	got = trimFailure(long, root, "m/x", 10)
	require.Len(t, got, 0, "blank lines are not worth showing")
	for i := range long {
		long[i] = "line"
	}
	got = trimFailure(long, root, "m/x", 10)
	require.Len(t, got, 11)
	require.Equal(t, "… 90 more lines", got[10])
}

func TestReadKoanFiles(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		path := filepath.Join(root, "phase1", "k", name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	write("doc.go", "// Package k teaches.\npackage k\n")
	write("k.go", "// yours\n\n//go:build !solutions\n\npackage k\n\nimport \"m/internal/todo\"\n\n// F does it; todo.Err in a comment does not count.\nfunc F() error { return todo.Err }\n")
	write("solutions.go", "//go:build solutions\n\npackage k\n\nimport ref \"m/solutions/phase1/k\"\n\nvar F = ref.F\n")
	write("k_test.go", "package k_test\n\nimport \"testing\"\n\nfunc BenchmarkF(b *testing.B) {}\nfunc FuzzF(f *testing.F) {}\n")

	kf, err := readKoanFiles(root, "phase1/k")
	require.NoError(t, err)
	require.Equal(t, []string{"phase1/k/k.go"}, kf.Stubs)
	require.Equal(t, []string{"phase1/k/solutions.go"}, kf.Tagged)
	require.Equal(t, []string{"phase1/k/k_test.go"}, kf.Tests)
	require.Equal(t, "Package k teaches.\n", kf.Doc)
	require.True(t, kf.TODO)
	require.True(t, kf.Bench)
	require.True(t, kf.Fuzz)
	require.Equal(t, []string{"m/solutions/phase1/k"}, kf.Imports["phase1/k/solutions.go"])

	write("k.go", "//go:build !solutions\n\npackage k\n\n// F no longer returns todo.Err.\nfunc F() error { return nil }\n")
	kf, err = readKoanFiles(root, "phase1/k")
	require.NoError(t, err)
	require.False(t, kf.TODO, "only code counts, not a comment that mentions todo.Err")
}

func TestStyle(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	s := newStyle(f)
	require.False(t, s.on, "a file is not a terminal: no colour codes")
	require.Equal(t, "x", s.red("x"))
	require.Equal(t, "\x1b[31mx\x1b[0m", style{on: true}.red("x"))
}

// Polling is watch's fallback where the file system sends no
// notifications: it must see a save on its own.
func TestPollSeesAChange(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "phase1", "k", "k.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
	require.NoError(t, os.WriteFile(file, []byte("package k\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	c := &course{root: root}

	before := c.fingerprint()
	require.NoError(t, os.WriteFile(filepath.Join(root, ".git", "index.go"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644))
	require.Equal(t, before, c.fingerprint(), "hidden directories and non-Go files do not count")

	changed := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(t.Context())
	polled := make(chan error, 1)
	go func() {
		polled <- c.poll(ctx, before, func() {
			select {
			case changed <- struct{}{}:
			default:
			}
		})
	}()
	require.NoError(t, os.WriteFile(file, []byte("package k // saved\n"), 0o644))
	select {
	case <-changed:
	case <-time.After(5 * pollInterval):
		t.Fatalf("poll did not notice a saved file within %v", 5*pollInterval)
	}
	cancel()
	require.NoError(t, <-polled)
}
