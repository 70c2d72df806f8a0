package koantest

import (
	"bytes"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Patience is how long a test waits on the learner's code before failing
// with "your code blocked". A correct answer takes microseconds on loopback;
// this leaves room for -race on a loaded machine while still failing a wrong
// answer within seconds. Inside a synctest bubble it is fake time and free.
const Patience = 5 * time.Second

// Do runs fn on its own goroutine and fails the test if it has not returned
// within Patience, with a message naming what was being done ("while …"),
// instead of hanging the test binary until go test's -timeout.
//
// If fn blocks, its goroutine is left behind: the test has failed anyway.
func Do(t testing.TB, while string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	Recv(t, done, while)
}

// Recv waits for a value (or close) on ch and fails the test if none arrives
// within Patience.
func Recv[T any](t testing.TB, ch <-chan T, while string) T {
	t.Helper()
	return RecvWithin(t, ch, Patience, while)
}

// RecvWithin is Recv with a limit of its own: inside a synctest bubble a
// wait of minutes of fake time is as cheap as one of seconds.
func RecvWithin[T any](t testing.TB, ch <-chan T, limit time.Duration, while string) T {
	t.Helper()
	v, ok := Within(ch, limit)
	if !ok {
		t.Fatalf("your code blocked for %v while %s", limit, while)
	}
	return v
}

// Within waits up to limit for a value (or close) on ch and reports whether
// one came, for tests that write their own failure message.
func Within[T any](ch <-chan T, limit time.Duration) (v T, ok bool) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case v = <-ch:
		return v, true
	case <-timer.C:
		return v, false
	}
}

// SetDeadline gives c a deadline Patience from now, so that a test's own
// reads and writes on a real socket fail with a timeout instead of hanging
// when the code under test does not answer.
func SetDeadline(t testing.TB, c net.Conn) {
	t.Helper()
	if err := c.SetDeadline(time.Now().Add(Patience)); err != nil {
		t.Fatalf("koantest: setting deadline: %v", err)
	}
}

// Listen returns a TCP listener on 127.0.0.1 with a port the kernel chose,
// closed when the test ends. Never a fixed port: tests run in parallel
// across packages.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("koantest: listening on loopback: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// NoLeaks fails the test if goroutines started during it are still running
// Patience after it ends (after every cleanup registered later has run), and
// shows where they are stuck. Call it first in the test. Not for parallel
// tests, and not inside a bubble: synctest finds leaks there itself.
func NoLeaks(t testing.TB) {
	t.Helper()
	before := map[string]bool{}
	for _, g := range stacks() {
		before[goroutineID(g)] = true
	}
	t.Cleanup(func() {
		t.Helper()
		deadline := time.Now().Add(Patience)
		for {
			var leaked []string
			for _, g := range stacks() {
				if !before[goroutineID(g)] {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutine(s) started by this test were still running %v after it ended — each one leaks memory, and maybe a connection:\n\n%s",
					len(leaked), Patience, summarize(leaked))
				return
			}
			// Goroutines wind down asynchronously after the conns they read
			// are closed; poll (no event announces a goroutine's exit).
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// summarize groups goroutines stuck in the same place: "20 × [chan
// receive]:" and the functions on their stack, innermost first.
func summarize(stacks []string) string {
	count := map[string]int{}
	var order []string
	for _, g := range stacks {
		header, frames, _ := strings.Cut(g, "\n")
		_, state, _ := strings.Cut(header, " [")
		state, _, _ = strings.Cut(state, ",") // drop ", 2 minutes"
		key := "[" + strings.TrimSuffix(state, "]:") + "]:\n" + functions(frames)
		if count[key] == 0 {
			order = append(order, key)
		}
		count[key]++
	}
	var b strings.Builder
	for _, key := range order {
		fmt.Fprintf(&b, "%d × %s\n", count[key], key)
	}
	return b.String()
}

// functions keeps the function lines of a stack trace, without arguments or
// file:line lines: the innermost call (what the goroutine is doing), then
// only calls outside the standard library (where the code under test is).
func functions(frames string) string {
	var b strings.Builder
	elided := false
	for i, line := range strings.Split(frames, "\n") {
		if strings.HasPrefix(line, "\t") {
			continue // file:line
		}
		if by, ok := strings.CutPrefix(line, "created by "); ok {
			by, _, _ = strings.Cut(by, " in goroutine")
			line = "created by " + by
		} else if i := strings.LastIndex(line, "("); i > 0 {
			line = line[:i]
		}
		if i > 0 && isStd(line) {
			if !elided {
				b.WriteString("    …\n")
				elided = true
			}
			continue
		}
		elided = false
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

// isStd reports whether a stack line ("net.(*conn).Read",
// "github.com/x/y.F", "created by …") is a call in the standard library,
// whose import paths have no dot in their first element.
func isStd(line string) bool {
	if strings.HasPrefix(line, "created by ") {
		return false
	}
	first, _, found := strings.Cut(line, "/")
	if !found {
		first, _, _ = strings.Cut(line, ".") // "net.(*conn).Read": the package is "net"
	}
	return !strings.Contains(first, ".")
}

// stacks returns the stack of every goroutine, one string each.
func stacks() []string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(bytes.TrimSpace(buf[:n])), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// goroutineID returns "goroutine 42" from a stack's first line
// "goroutine 42 [IO wait]:".
func goroutineID(stack string) string {
	id, _, _ := strings.Cut(stack, " [")
	return id
}
