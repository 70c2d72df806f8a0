package portscan_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/portscan"
)

// Hints shared by several tests.
const (
	hintResults  = "hint: one Result per distinct port, sorted by port (slices.Sort + slices.Compact the ports first, and let the worker for ports[i] write results[i]); wait for every worker before returning"
	hintClassify = "hint: a dial that succeeds is Open; errors.Is(err, syscall.ECONNREFUSED) is Closed; anything else, such as a dial that outlived its own context.WithTimeout, is Filtered"
	hintTimeout  = "hint: give every dial its own deadline — ctx, cancel := context.WithTimeout(scanCtx, timeout) per port — so a port that never answers costs one Timeout, and only its own"
	hintBound    = "hint: start a fixed pool of min(Concurrency, len(ports)) workers that take ports from a channel, or acquire a semaphore slot before each go statement, not inside the goroutine"
	hintCancel   = "hint: derive each dial's ctx from Scan's ctx; when ctx is done stop handing out ports, wait for the workers (sync.WaitGroup), and return ctx.Err()"
)

// result is a Result literal that go vet accepts.
func result(port uint16, state portscan.State) portscan.Result {
	return portscan.Result{Port: port, State: state}
}

// show prints results as nmap would, "[22 open, 23 closed]", for failure
// messages that a person can read.
func show(results []portscan.Result) string {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range results {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %v", r.Port, r.State)
	}
	b.WriteString("]")
	return b.String()
}

// port returns the port of a listener's address.
func port(t testing.TB, l net.Listener) uint16 {
	t.Helper()
	return netip.MustParseAddrPort(l.Addr().String()).Port()
}

// closedPort returns a loopback port that nothing listens on: one the kernel
// just handed out and that was closed at once.
func closedPort(t testing.TB) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := port(t, l)
	l.Close()
	return p
}

// Open and closed ports are real loopback ports, scanned with the real
// dialer (Dial left nil).
func TestScanLoopback(t *testing.T) {
	koantest.NoLeaks(t)
	// A listener completes handshakes without Accept: the kernel queues them.
	open := []uint16{port(t, koantest.Listen(t)), port(t, koantest.Listen(t)), port(t, koantest.Listen(t))}
	closed := []uint16{closedPort(t), closedPort(t), closedPort(t)}

	var want []portscan.Result
	for _, p := range open {
		want = append(want, portscan.Result{Port: p, State: portscan.Open})
	}
	for _, p := range closed {
		want = append(want, portscan.Result{Port: p, State: portscan.Closed})
	}
	slices.SortFunc(want, func(a, b portscan.Result) int { return int(a.Port) - int(b.Port) })
	// Not in order, and one port twice.
	ports := []uint16{closed[2], open[0], closed[0], open[2], closed[1], open[1], open[0]}

	for _, tc := range []struct {
		name    string
		scanner portscan.Scanner
	}{
		{"the zero Scanner", portscan.Scanner{}},
		{"Concurrency 4", portscan.Scanner{Concurrency: 4, Timeout: koantest.Patience}},
		{"Concurrency above the number of ports", portscan.Scanner{Concurrency: 100, Timeout: koantest.Patience}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), koantest.Patience)
			defer cancel()
			var got []portscan.Result
			var err error
			koantest.Do(t, "waiting for Scan of 6 loopback ports to return", func() { got, err = tc.scanner.Scan(ctx, "127.0.0.1", ports) })
			require.NoError(t, err, "Scan(127.0.0.1, %v)", ports)
			require.Equal(t, show(want), show(got), "Scan(127.0.0.1, %v) with %s: ports %v listen, ports %v refuse\n%s\n%s", ports, tc.name, open, closed, hintClassify, hintResults)
		})
	}
}

// fakeNet is a network for synctest bubbles: each port behaves as its table
// says, after its delay, and the dials in flight are counted.
type fakeNet struct {
	t      *testing.T
	host   string
	ports  map[uint16]behaviour
	unwind time.Duration // how long a waiting dial takes to give up once its ctx is done

	stop     chan struct{} // closed by shutdown: every dial returns at once
	stopOnce sync.Once
	started  chan struct{} // a value for each dial (while there is room)

	dials, inFlight, peak atomic.Int64

	mu       sync.Mutex
	conns    []*fakeConn
	problems []string // wrong addresses dialled
}

// behaviour is how a port answers.
type behaviour struct {
	state portscan.State
	delay time.Duration // how long the answer takes; a Filtered port never answers
}

var errStopped = errors.New("the test ended")

func newFakeNet(t *testing.T, host string, ports map[uint16]behaviour) *fakeNet {
	f := &fakeNet{t: t, host: host, ports: ports, stop: make(chan struct{}), started: make(chan struct{}, 1024)}
	t.Cleanup(f.shutdown)
	return f
}

// shutdown makes every dial, waiting or to come, return at once.
func (f *fakeNet) shutdown() { f.stopOnce.Do(func() { close(f.stop) }) }

// Dial has net.Dialer.DialContext's signature, for Scanner.Dial.
func (f *fakeNet) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	f.dials.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	select {
	case f.started <- struct{}{}:
	default:
	}

	fail := func(err error) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	giveUp := func() (net.Conn, error) { // a dial that was waiting when ctx ended
		if f.unwind > 0 {
			select {
			case <-time.After(f.unwind):
			case <-f.stop:
			}
		}
		return fail(ctx.Err())
	}

	host, portText, err := net.SplitHostPort(address)
	p, perr := strconv.ParseUint(portText, 10, 16)
	b, known := f.ports[uint16(p)]
	if network != "tcp" || err != nil || perr != nil || host != f.host || !known {
		f.mu.Lock()
		f.problems = append(f.problems, fmt.Sprintf("Dial(ctx, %q, %q)", network, address))
		f.mu.Unlock()
		return fail(syscall.EHOSTUNREACH)
	}

	if b.state == portscan.Filtered {
		if ctx.Err() != nil {
			return fail(ctx.Err()) // as a real dialer does: at once
		}
		select { // the SYN was dropped: no answer, ever
		case <-ctx.Done():
			return giveUp()
		case <-f.stop:
			return fail(errStopped)
		}
	}
	if b.delay > 0 {
		timer := time.NewTimer(b.delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			return giveUp()
		case <-f.stop:
			return fail(errStopped)
		}
	} else if ctx.Err() != nil {
		return fail(ctx.Err()) // as a real dialer does: at once
	}
	if b.state == portscan.Closed {
		return fail(os.NewSyscallError("connect", syscall.ECONNREFUSED))
	}
	c, peer := net.Pipe()
	peer.Close()
	fc := &fakeConn{Conn: c}
	f.mu.Lock()
	f.conns = append(f.conns, fc)
	f.mu.Unlock()
	return fc, nil
}

// check fails the test for wrong addresses dialled and connections left
// open, and dials still running.
func (f *fakeNet) check() {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.Empty(f.t, f.problems, "Scan dialled addresses that are not host:port for host %q and a port it was given\nhint: net.JoinHostPort(host, strconv.Itoa(int(port))) — it brackets an IPv6 host: [::1]:22", f.host)
	open := 0
	for _, c := range f.conns {
		if !c.closed.Load() {
			open++
		}
	}
	require.Zero(f.t, open, "Scan returned with %d of the %d connections it opened still open — a file descriptor leaked for each\nhint: close the conn as soon as the dial succeeds", open, len(f.conns))
	require.Zero(f.t, f.inFlight.Load(), "Scan returned while dials were still running — goroutines left behind\n%s", hintCancel)
}

// fakeConn records its Close.
type fakeConn struct {
	net.Conn
	closed atomic.Bool
}

func (c *fakeConn) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

// scanned is what a Scan running on its own goroutine returned.
type scanned struct {
	results []portscan.Result
	err     error
	elapsed time.Duration // fake time
}

// startScan runs s.Scan on its own goroutine, inside a bubble, over f.
//
// When the test ends, even after a failure, f is shut down and the Scan and
// its dials get (fake) time to finish: a bubble that ends while goroutines
// still wait on timers panics, which would take every other test with it.
func startScan(t *testing.T, f *fakeNet, ctx context.Context, s *portscan.Scanner, host string, ports []uint16) <-chan scanned {
	done := make(chan scanned, 1)
	returned := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(returned)
		res, err := s.Scan(ctx, host, ports)
		done <- scanned{res, err, time.Since(start)}
	}()
	t.Cleanup(func() {
		f.shutdown()
		select {
		case <-returned:
		case <-time.After(time.Hour):
		}
		for end := time.Now().Add(time.Hour); f.inFlight.Load() > 0 && time.Now().Before(end); {
			time.Sleep(time.Millisecond) // fake time: polls cost nothing
		}
	})
	return done
}

// zeroMeans explains a Timeout that is not set.
func zeroMeans(timeout time.Duration) string {
	if timeout <= 0 {
		return ", which means DefaultTimeout"
	}
	return ""
}

// await waits at most limit of fake time for the Scan to return.
func await(t *testing.T, done <-chan scanned, limit time.Duration, while string) scanned {
	t.Helper()
	res, ok := koantest.Within(done, limit)
	if !ok {
		t.Fatalf("Scan had not returned after %v (of fake time) %s", limit, while)
	}
	return res
}

func TestScanClassifies(t *testing.T) {
	open := func(delay time.Duration) behaviour { return behaviour{portscan.Open, delay} }
	closed := func(delay time.Duration) behaviour { return behaviour{portscan.Closed, delay} }
	filtered := behaviour{state: portscan.Filtered}
	for _, tc := range []struct {
		name    string
		host    string
		net     map[uint16]behaviour
		scanner portscan.Scanner
		ports   []uint16
		want    []portscan.Result
		elapsed time.Duration // how long the scan takes in fake time
		why     string        // why it takes that long
	}{
		{
			name: "one of each", host: "10.0.0.1",
			net:     map[uint16]behaviour{22: open(0), 23: closed(0), 24: filtered},
			scanner: portscan.Scanner{Concurrency: 3, Timeout: 2 * time.Second},
			ports:   []uint16{22, 23, 24},
			want:    []portscan.Result{result(22, portscan.Open), result(23, portscan.Closed), result(24, portscan.Filtered)},
			elapsed: 2 * time.Second, why: "the filtered port gives up after Timeout",
		},
		{
			name: "filtered ports one at a time", host: "10.0.0.1",
			net:     map[uint16]behaviour{1: filtered, 2: filtered, 3: filtered, 4: open(0)},
			scanner: portscan.Scanner{Concurrency: 1, Timeout: time.Second},
			ports:   []uint16{1, 2, 3, 4},
			want:    []portscan.Result{result(1, portscan.Filtered), result(2, portscan.Filtered), result(3, portscan.Filtered), result(4, portscan.Open)},
			elapsed: 3 * time.Second, why: "each filtered port costs its own Timeout, one after another",
		},
		{
			name: "slow answers one at a time, longer than Timeout in all", host: "10.0.0.1",
			net:     map[uint16]behaviour{1: open(600 * time.Millisecond), 2: closed(600 * time.Millisecond), 3: open(600 * time.Millisecond)},
			scanner: portscan.Scanner{Concurrency: 1, Timeout: time.Second},
			ports:   []uint16{1, 2, 3},
			want:    []portscan.Result{result(1, portscan.Open), result(2, portscan.Closed), result(3, portscan.Open)},
			elapsed: 1800 * time.Millisecond, why: "each port answers in 600ms, within its own Timeout",
		},
		{
			name: "the zero Scanner's defaults", host: "10.0.0.1",
			net:     map[uint16]behaviour{80: filtered, 443: open(0)},
			scanner: portscan.Scanner{},
			ports:   []uint16{443, 80},
			want:    []portscan.Result{result(80, portscan.Filtered), result(443, portscan.Open)},
			elapsed: portscan.DefaultTimeout, why: "a zero Timeout means DefaultTimeout",
		},
		{
			name: "unsorted, duplicated, answered in reverse", host: "10.0.0.1",
			net:     map[uint16]behaviour{22: open(4 * time.Second), 80: closed(3 * time.Second), 443: open(2 * time.Second), 8080: closed(time.Second)},
			scanner: portscan.Scanner{Concurrency: 4, Timeout: 10 * time.Second},
			ports:   []uint16{8080, 22, 443, 80, 22, 443},
			want:    []portscan.Result{result(22, portscan.Open), result(80, portscan.Closed), result(443, portscan.Open), result(8080, portscan.Closed)},
			elapsed: 4 * time.Second, why: "the four distinct ports are dialled at once and the slowest answers in 4s",
		},
		{
			name: "an IPv6 host", host: "::1",
			net:     map[uint16]behaviour{22: open(0), 25: closed(0)},
			scanner: portscan.Scanner{Concurrency: 2, Timeout: time.Second},
			ports:   []uint16{25, 22},
			want:    []portscan.Result{result(22, portscan.Open), result(25, portscan.Closed)},
			elapsed: 0, why: "both answer at once",
		},
		{
			name: "no ports", host: "10.0.0.1",
			scanner: portscan.Scanner{Concurrency: 10, Timeout: time.Second},
			elapsed: 0, why: "there is nothing to dial",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeNet(t, tc.host, tc.net)
				s := tc.scanner
				s.Dial = f.Dial
				res := await(t, startScan(t, f, t.Context(), &s, tc.host, tc.ports), time.Hour,
					fmt.Sprintf("scanning %v (with Timeout %v%s): a filtered port never answers and must not stall the scan\n%s", tc.ports, s.Timeout, zeroMeans(s.Timeout), hintTimeout))
				require.NoError(t, res.err)
				f.check()
				if len(tc.want) == 0 {
					require.Empty(t, res.results, "Scan of no ports must return no results")
				} else {
					require.Equal(t, show(tc.want), show(res.results), "Scan(%q, %v) with Concurrency %d and Timeout %v\n%s\n%s", tc.host, tc.ports, tc.scanner.Concurrency, tc.scanner.Timeout, hintClassify, hintResults)
				}
				require.Equal(t, tc.elapsed, res.elapsed, "Scan of %v took %v of fake time; it should take %v: %s\nhint: each port waits at most its own Timeout, and Concurrency ports are dialled at a time — no more, no fewer", tc.ports, res.elapsed, tc.elapsed, tc.why)
			})
		})
	}
}

func TestScanBoundsConcurrency(t *testing.T) {
	const nports = 200
	for _, tc := range []struct {
		concurrency int
		want        int // dials in flight at the peak
	}{
		{1, 1},
		{10, 10},
		{0, 1},         // below 1 means 1
		{1000, nports}, // no more than there are ports
	} {
		t.Run(fmt.Sprintf("Concurrency %d", tc.concurrency), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				network := map[uint16]behaviour{}
				var ports []uint16
				for p := range uint16(nports) {
					network[p+1] = behaviour{portscan.Open, time.Second}
					ports = append(ports, p+1)
				}
				f := newFakeNet(t, "10.0.0.1", network)
				s := &portscan.Scanner{Concurrency: tc.concurrency, Timeout: time.Minute, Dial: f.Dial}

				before := runtime.NumGoroutine()
				done := startScan(t, f, t.Context(), s, "10.0.0.1", ports)
				synctest.Wait()                                   // every goroutine of the scan is now waiting
				goroutines := runtime.NumGoroutine() - before - 1 // not startScan's own

				res := await(t, done, time.Hour, "scanning 200 ports that each answer in 1s")
				require.NoError(t, res.err)
				f.check()
				require.Len(t, res.results, nports, hintResults)

				peak := int(f.peak.Load())
				require.LessOrEqual(t, peak, tc.want, "with Concurrency %d, Scan had %d dials in flight at once: it must never have more than %d (below 1 means 1)\n%s", tc.concurrency, peak, tc.want, hintBound)
				require.Equal(t, tc.want, peak, "with Concurrency %d and %d ports, Scan should keep %d dials in flight, and had at most %d\n%s", tc.concurrency, nports, tc.want, peak, hintBound)
				// One goroutine per dial, perhaps two (one to dial, one to
				// wait), and a few more: fine. One per port: not.
				require.LessOrEqual(t, goroutines, 2*tc.want+4, "with Concurrency %d, Scan ran %d goroutines at once for %d ports: goroutines waiting their turn cost memory too, and a full scan is 65,535 ports\n%s", tc.concurrency, goroutines, nports, hintBound)
			})
		})
	}
}

// Cancellation is a lifecycle: a wrong answer may leave goroutines blocked
// for good, which would panic a synctest bubble. So this test runs in real
// time, on a fake network whose ports never answer, and checks for leaks.
func TestScanStopsWhenCancelled(t *testing.T) {
	const concurrency = 10
	network := map[uint16]behaviour{}
	var ports []uint16
	for p := range uint16(1000) {
		network[p+1] = behaviour{state: portscan.Filtered}
		ports = append(ports, p+1)
	}
	for _, tc := range []struct {
		name    string
		when    string // "during", "before" or "deadline"
		wantErr error
	}{
		{"cancelled during the scan", "during", context.Canceled},
		{"cancelled before the scan", "before", context.Canceled},
		{"the scan's deadline passes", "deadline", context.DeadlineExceeded},
	} {
		ok := t.Run(tc.name, func(t *testing.T) {
			koantest.NoLeaks(t)
			f := newFakeNet(t, "10.0.0.1", network)
			// A dial waiting when its ctx ends takes a moment to return,
			// so a Scan that does not wait for its dials is seen to.
			f.unwind = 50 * time.Millisecond
			// Each port would wait an hour: only ctx can end this scan.
			s := &portscan.Scanner{Concurrency: concurrency, Timeout: time.Hour, Dial: f.Dial}

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			switch tc.when {
			case "before":
				cancel()
			case "deadline":
				ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
			}
			done := make(chan scanned, 1)
			go func() {
				res, err := s.Scan(ctx, "10.0.0.1", ports)
				done <- scanned{results: res, err: err}
			}()

			var started int64
			if tc.when == "during" {
				timer := time.NewTimer(koantest.Patience)
				defer timer.Stop()
				for i := 0; i < concurrency; {
					select {
					case <-f.started:
						i++
					case res := <-done:
						t.Fatalf("Scan of 1000 ports that never answer, each with Timeout %v, returned before its ctx was done: %d results, error %v", s.Timeout, len(res.results), res.err)
					case <-timer.C:
						t.Fatalf("Scan with Concurrency %d started only %d dials in %v\n%s", concurrency, i, koantest.Patience, hintBound)
					}
				}
				started = f.dials.Load()
				cancel()
			}

			res := koantest.Recv(t, done, "waiting for Scan to return after its ctx was done\n"+hintCancel)
			require.ErrorIs(t, res.err, tc.wantErr, "a Scan whose ctx is done must return ctx.Err()\n%s", hintCancel)
			f.check()
			after, limit := f.dials.Load()-started, int64(concurrency)
			if tc.when == "deadline" {
				limit *= 2 // the first dials, and perhaps one more per worker as the deadline passed
			}
			require.LessOrEqual(t, after, limit, "Scan started %d dials after its ctx was done (with Concurrency %d)\n%s", after, concurrency, hintCancel)
			// NoLeaks then checks that no goroutine of Scan is left.
		})
		if !ok {
			break // one lesson at a time: each failure here may cost Patience
		}
	}
}

// loopbackPorts returns n distinct loopback ports, the first open of them
// listening (and accepting), the rest closed.
func loopbackPorts(b *testing.B, n, open int) []uint16 {
	ports := make([]uint16, 0, n)
	seen := map[uint16]bool{}
	for range open {
		l := koantest.Listen(b)
		go func() { // accept and hang up, so the accept queue never fills
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		ports = append(ports, port(b, l))
		seen[port(b, l)] = true
	}
	for len(ports) < n {
		// The kernel may hand out a port it just took back: keep distinct ones.
		if p := closedPort(b); !seen[p] {
			ports = append(ports, p)
			seen[p] = true
		}
	}
	return ports
}

// A scan of 1,000 loopback ports, 20 open and the rest closed, with 1 and
// with 100 dials in flight. On loopback a refusal comes back in microseconds
// and the scan is CPU-bound: concurrency buys at most what the spare cores
// give, and on a small, busy machine 100 dials in flight cost more in
// scheduling and kernel contention than they save. Over a real network every dial waits a round trip; the rtt=1ms runs
// inject a dial that takes 1ms to be refused, and there 100 dials in flight
// divide the wall time by dozens (100, were it not for the scheduler). A filtered port waits a whole Timeout:
// there concurrency is everything.
func BenchmarkScan(b *testing.B) {
	ports := loopbackPorts(b, 1000, 20)
	slowRefusal := func(ctx context.Context, network, address string) (net.Conn, error) {
		timer := time.NewTimer(time.Millisecond)
		defer timer.Stop()
		select {
		case <-timer.C:
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	for _, bc := range []struct {
		name string
		dial func(context.Context, string, string) (net.Conn, error)
	}{
		{"loopback", nil},
		{"rtt=1ms", slowRefusal},
	} {
		for _, concurrency := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/concurrency=%d", bc.name, concurrency), func(b *testing.B) {
				s := portscan.Scanner{Concurrency: concurrency, Timeout: koantest.Patience, Dial: bc.dial}
				b.ReportAllocs()
				for b.Loop() {
					res, err := s.Scan(b.Context(), "127.0.0.1", ports)
					if err != nil || len(res) != len(ports) {
						b.Fatalf("Scan: %d results of %d, %v", len(res), len(ports), err)
					}
				}
			})
		}
	}
}
