package ctxcancel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/ctxcancel"
)

// patience bounds the tests' own waits inside bubbles: fake time, so free.
const patience = 24 * time.Hour

// fakeNet stands in for the network in Dialer tests. An address with a
// koantest pipe listener answers at once; an address marked as a blackhole
// never answers — the attempt blocks until its ctx ends, like a host whose
// firewall drops the SYN; any other address is refused at once.
type fakeNet struct {
	blackholes map[string]bool
	closed     chan struct{} // releases blocked attempts when the test ends

	mu       sync.Mutex
	attempts []*attempt
}

type attempt struct {
	addr       string
	start, end time.Time
	ctx        context.Context
	err        error
}

func newFakeNet(t *testing.T) *fakeNet {
	n := &fakeNet{blackholes: map[string]bool{}, closed: make(chan struct{})}
	t.Cleanup(func() { close(n.closed) })
	return n
}

func (n *fakeNet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	a := &attempt{addr: addr, start: time.Now(), ctx: ctx}
	n.mu.Lock()
	n.attempts = append(n.attempts, a)
	n.mu.Unlock()
	var conn net.Conn
	var err error
	if n.blackholes[addr] {
		select {
		case <-ctx.Done():
			err = &net.OpError{Op: "dial", Net: network, Err: netCtxErr{ctx.Err()}}
		case <-n.closed:
			err = errors.New("fakeNet: test over")
		}
	} else {
		conn, err = koantest.DialPipe(ctx, network, addr)
	}
	n.mu.Lock()
	a.end, a.err = time.Now(), err
	n.mu.Unlock()
	return conn, err
}

// netCtxErr is what net.Dialer returns inside its *net.OpError when ctx
// ends: errors.Is sees ctx.Err(), though the text is the historical one.
type netCtxErr struct{ err error }

func (e netCtxErr) Error() string {
	if e.err == context.Canceled {
		return "operation was canceled"
	}
	return "i/o timeout"
}
func (e netCtxErr) Is(target error) bool { return target == e.err }
func (e netCtxErr) Timeout() bool        { return e.err == context.DeadlineExceeded }

// timeline describes the attempts made so far, for failure messages.
func (n *fakeNet) timeline(t0 time.Time, kinds map[string]string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.attempts) == 0 {
		return "no attempt was made"
	}
	var b strings.Builder
	b.WriteString("attempts:")
	for _, a := range n.attempts {
		end := "still running"
		if !a.end.IsZero() {
			end = fmt.Sprintf("until %v: %v", a.end.Sub(t0), a.err)
		}
		fmt.Fprintf(&b, "\n    %s (%s) from %v %s", a.addr, kinds[a.addr], a.start.Sub(t0), end)
	}
	return b.String()
}

func TestDial(t *testing.T) {
	const ok, refused, blackhole = "answers", "refuses", "blackhole"
	for _, tc := range []struct {
		name     string
		timeout  time.Duration // Dialer.Timeout
		deadline time.Duration // the caller's ctx deadline; 0: none
		cancelAt time.Duration // when the caller cancels; 0: never, <0: before Dial
		kinds    []string      // what each address does
		want     int           // the address Dial must connect to; -1: none
		wantErr  []error       // errors.Is must find each of these
		notErr   []error       // and none of these
		tried    int           // how many addresses Dial should try
		took     time.Duration // how long Dial should take
	}{
		{name: "the first address answers", timeout: 10 * time.Second, kinds: []string{ok, ok}, want: 0, tried: 1},
		{name: "refused, then the next address", timeout: 10 * time.Second, kinds: []string{refused, ok}, want: 1, tried: 2},
		{name: "an attempt times out, then the next address", timeout: 10 * time.Second, kinds: []string{blackhole, ok}, want: 1, tried: 2, took: 10 * time.Second},
		{name: "zero Timeout means DefaultTimeout", kinds: []string{blackhole, ok}, want: 1, tried: 2, took: ctxcancel.DefaultTimeout},
		{name: "the caller's longer deadline leaves each attempt its Timeout", timeout: 10 * time.Second, deadline: time.Hour, kinds: []string{blackhole, ok}, want: 1, tried: 2, took: 10 * time.Second},
		{
			name: "every address fails", timeout: 10 * time.Second, kinds: []string{refused, blackhole}, want: -1,
			wantErr: []error{syscall.ECONNREFUSED, context.DeadlineExceeded}, notErr: []error{context.Canceled}, tried: 2, took: 10 * time.Second,
		},
		{
			name: "the caller's deadline cuts an attempt short", timeout: 10 * time.Second, deadline: 15 * time.Second, kinds: []string{blackhole, blackhole, ok}, want: -1,
			wantErr: []error{context.DeadlineExceeded}, notErr: []error{context.Canceled}, tried: 2, took: 15 * time.Second,
		},
		{
			name: "the caller cancels during an attempt", timeout: 10 * time.Second, cancelAt: 3 * time.Second, kinds: []string{blackhole, ok}, want: -1,
			wantErr: []error{context.Canceled}, notErr: []error{context.DeadlineExceeded}, tried: 1, took: 3 * time.Second,
		},
		{
			name: "a cancel after an attempt timed out is a cancel", timeout: 10 * time.Second, cancelAt: 13 * time.Second, kinds: []string{blackhole, blackhole, ok}, want: -1,
			wantErr: []error{context.Canceled}, notErr: []error{context.DeadlineExceeded}, tried: 2, took: 13 * time.Second,
		},
		{
			name: "the caller had cancelled already", timeout: 10 * time.Second, cancelAt: -1, kinds: []string{ok}, want: -1,
			wantErr: []error{context.Canceled}, tried: 0,
		},
		{name: "no address at all", timeout: 10 * time.Second, want: -1, notErr: []error{context.Canceled, context.DeadlineExceeded}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newFakeNet(t)
				kinds := map[string]string{}
				var addrs []string
				for i, kind := range tc.kinds {
					addr := fmt.Sprintf("127.0.0.1:%d", 100+i) // refused: no pipe listener there
					switch kind {
					case ok:
						addr = koantest.ListenPipe(t).Addr().String()
					case blackhole:
						n.blackholes[addr] = true
					}
					kinds[addr] = kind
					addrs = append(addrs, addr)
				}
				d := &ctxcancel.Dialer{Timeout: tc.timeout, DialFunc: n.DialContext}

				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tc.deadline > 0 {
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				switch {
				case tc.cancelAt < 0:
					cancel()
				case tc.cancelAt > 0:
					time.AfterFunc(tc.cancelAt, cancel)
				}

				start := time.Now()
				var conn net.Conn
				var err error
				dialled := make(chan struct{})
				go func() {
					defer close(dialled)
					conn, err = d.Dial(ctx, addrs...)
				}()
				select {
				case <-dialled:
				case <-time.After(patience):
					t.Fatalf("Dial(%v) was still running %v later; %s\n"+
						"hint: each attempt gets context.WithTimeout(ctx, Timeout) — derived from the caller's ctx, so that its deadline and cancel reach the attempt too",
						addrs, patience, n.timeline(start, kinds))
				}
				if conn != nil {
					defer conn.Close()
				}
				took := time.Since(start)
				story := n.timeline(start, kinds)

				if tc.want >= 0 {
					require.NoError(t, err, "Dial should have connected to %s; %s", addrs[tc.want], story)
					require.NotNil(t, conn, "Dial returned no conn and no error")
					require.Equal(t, addrs[tc.want], conn.RemoteAddr().String(), "Dial connected to the wrong address; %s", story)
				} else {
					require.Nil(t, conn, "Dial should have failed, but returned a conn to %v; %s\n"+
						"hint: once the caller's ctx has ended, try no further address: check ctx.Err() before each attempt and after a failed one", remote(conn), story)
					require.Error(t, err, "Dial should have failed; %s", story)
				}
				for _, want := range tc.wantErr {
					require.ErrorIs(t, err, want, "hint: wrap with %%w (fmt.Errorf, errors.Join), never %%v, so that errors.Is sees the cause; when the caller's ctx ended, return ctx.Err(); %s", story)
				}
				for _, bad := range tc.notErr {
					require.NotErrorIs(t, err, bad, "Dial's error says %q, which is not why it failed; %s\n"+
						"hint: when the caller's ctx ends, return ctx.Err() alone, not joined with earlier attempts' timeouts — callers retry a timeout but not a cancel", bad, story)
				}
				require.Equal(t, tc.tried, len(n.attempts), "Dial should have tried %d of the %d addresses; %s\n"+
					"hint: stop at the first conn; move on after a failed attempt, but not once the caller's ctx has ended (check ctx.Err() before each attempt and after a failed one)", tc.tried, len(addrs), story)
				require.Equal(t, tc.took, took, "Dial took %v, want %v; %s\n"+
					"hint: an attempt ends at its own Timeout or the caller's deadline, whichever is first (context.WithTimeout on the caller's ctx), and the whole Dial ends the moment the caller's ctx does", took, tc.took, story)
				for _, a := range n.attempts {
					require.Error(t, a.ctx.Err(), "the ctx of the attempt to %s was never cancelled: its timer and its link to the caller's ctx live on after Dial returns\n"+
						"hint: ctx, cancel := context.WithTimeout(...); defer cancel() — once per attempt (a helper function keeps the defer per attempt)", a.addr)
				}
			})
		})
	}
}

func remote(c net.Conn) any {
	if c == nil {
		return nil
	}
	return c.RemoteAddr()
}

// A zero Dialer dials for real: loopback only.
func TestDialZeroDialer(t *testing.T) {
	l := koantest.Listen(t)
	closed := koantest.Listen(t)
	refused := closed.Addr().String()
	closed.Close() // nothing listens there now: the kernel refuses at once

	ctx, cancel := context.WithTimeout(t.Context(), koantest.Patience)
	defer cancel()
	var d ctxcancel.Dialer
	var conn net.Conn
	var err error
	koantest.Do(t, "dialling loopback", func() { conn, err = d.Dial(ctx, refused, l.Addr().String()) })
	require.NoError(t, err, "a zero Dialer dials with a zero net.Dialer's DialContext")
	defer conn.Close()
	require.Equal(t, l.Addr().String(), conn.RemoteAddr().String())

	koantest.Do(t, "dialling a closed port", func() { conn, err = d.Dial(ctx, refused) })
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "wrap each attempt's error, so errors.Is sees it")
}

// pipe returns both ends of a net.Pipe, closed when the test ends.
func pipe(t *testing.T) (conn, peer net.Conn) {
	conn, peer = net.Pipe()
	t.Cleanup(func() { conn.Close(); peer.Close() })
	return conn, peer
}

type result struct {
	n   int
	err error
	at  time.Time
}

// readContext runs ReadContext on its own goroutine.
func readContext(ctx context.Context, conn net.Conn, p []byte) <-chan result {
	ch := make(chan result, 1)
	go func() {
		n, err := ctxcancel.ReadContext(ctx, conn, p)
		ch <- result{n, err, time.Now()}
	}()
	return ch
}

// await waits for ReadContext's result, failing if it takes more than
// within (fake time).
func await(t *testing.T, ch <-chan result, within time.Duration, why string) result {
	t.Helper()
	r, ok := koantest.Within(ch, within)
	if !ok {
		t.Fatalf("ReadContext was still blocked %v later: %s", within, why)
	}
	return r
}

// write writes msg on conn from its own goroutine, as a peer would.
func write(conn net.Conn, msg string) {
	go func() {
		conn.SetWriteDeadline(time.Now().Add(patience))
		io.WriteString(conn, msg)
	}()
}

// requireNothingLeftReading fails if a goroutine of package ctxcancel is
// still running — for instance blocked in a Read that ReadContext walked
// away from. Call it inside the bubble.
func requireNothingLeftReading(t *testing.T) {
	t.Helper()
	synctest.Wait() // let every goroutine that is going to finish, finish
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "/phase1/ctxcancel.") {
			t.Fatalf("ReadContext has returned, but left a goroutine running:\n\n%s\n\n"+
				"It leaks, and it is still reading the conn: it will swallow the next bytes that arrive.\n"+
				"hint: no goroutine around conn.Read — interrupt the Read itself: context.AfterFunc(ctx, func() { conn.SetReadDeadline(aLongTimeAgo) })", g)
		}
	}
}

// hintPoisoned is the hint for a conn whose next Read fails at once.
const hintPoisoned = "hint: a read deadline left in the past poisons the conn — once the AfterFunc has run (stop() returned false; wait for it to finish), clear it: conn.SetReadDeadline(time.Time{})"

// requireUsable checks that conn reads the next message normally, after
// ReadContext. hint is shown if the Read fails.
func requireUsable(t *testing.T, conn, peer net.Conn, after, hint string) {
	t.Helper()
	write(peer, "next")
	got := make(chan result, 1)
	buf := make([]byte, 16)
	go func() {
		n, err := conn.Read(buf) // a plain Read: no deadline of our own
		got <- result{n: n, err: err}
	}()
	select {
	case r := <-got:
		require.NoError(t, r.err, "after %s, the next plain conn.Read failed at once\n%s", after, hint)
		require.Equal(t, "next", string(buf[:r.n]), "after %s", after)
	case <-time.After(patience):
		t.Fatalf("after %s, the peer wrote %q but the next conn.Read never got it — something else took it", after, "next")
	}
}

func TestReadContextReturnsData(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func(t *testing.T) context.Context
	}{
		{"context.Background", func(*testing.T) context.Context { return context.Background() }},
		{"a ctx that can be cancelled", func(t *testing.T) context.Context { return t.Context() }},
		{"a ctx with a later deadline", func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
			t.Cleanup(cancel)
			return ctx
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				conn, peer := pipe(t)
				start := time.Now()
				time.AfterFunc(2*time.Second, func() { write(peer, "hello") })
				buf := make([]byte, 16)
				r := await(t, readContext(tc.ctx(t), conn, buf), patience, "the peer wrote \"hello\" after 2s")
				require.NoError(t, r.err)
				require.Equal(t, "hello", string(buf[:r.n]))
				require.Equal(t, 2*time.Second, r.at.Sub(start), "ReadContext should return when the data arrives")
				requireNothingLeftReading(t)
				requireUsable(t, conn, peer, "a ReadContext that returned data", hintPoisoned)
			})
		})
	}
}

// ReadContext is interrupted at an odd instant, so that a poll of any
// period does not land on it.
const interruptAt = 2*time.Second + 345*time.Millisecond + 678*time.Microsecond

func TestReadContextGivesUp(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func(t *testing.T) context.Context // made at time 0
		at   time.Duration                      // when ReadContext must return
		want error
	}{
		{"cancelled while reading", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(interruptAt, cancel)
			return ctx
		}, interruptAt, context.Canceled},
		{"deadline while reading", func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(t.Context(), interruptAt)
			t.Cleanup(cancel)
			return ctx
		}, interruptAt, context.DeadlineExceeded},
		{"the parent ctx's deadline", func(t *testing.T) context.Context {
			parent, cancel := context.WithTimeout(t.Context(), interruptAt)
			t.Cleanup(cancel)
			ctx, cancel := context.WithCancel(parent)
			t.Cleanup(cancel)
			return ctx
		}, interruptAt, context.DeadlineExceeded},
		{"the parent cancelled", func(t *testing.T) context.Context {
			parent, cancel := context.WithCancel(t.Context())
			time.AfterFunc(interruptAt, cancel)
			ctx, cancel := context.WithTimeout(parent, time.Hour)
			t.Cleanup(cancel)
			return ctx
		}, interruptAt, context.Canceled},
		{"cancelled before the call", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx
		}, 0, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				conn, peer := pipe(t)
				start := time.Now()
				ctx := tc.ctx(t)
				r := await(t, readContext(ctx, conn, make([]byte, 16)), patience,
					"its ctx ended at "+tc.at.String()+" and no data came\nhint: a plain conn.Read ignores ctx; context.AfterFunc(ctx, f) runs f when ctx ends, and f can set the read deadline in the past to wake the Read")
				took := r.at.Sub(start)
				require.Equal(t, tc.at, took, "ReadContext returned %v after ctx ended (at %v, it returned at %v)\n"+
					"hint: do not poll with short deadlines: context.AfterFunc fires the instant ctx ends", took-tc.at, tc.at, took)
				require.Zero(t, r.n)
				require.ErrorIs(t, r.err, tc.want, "ReadContext must return ctx.Err(), the reason it gave up\n"+
					"hint: the Read's own error is the I/O timeout you caused with the deadline; return ctx.Err() instead — never a fixed error, since Canceled and DeadlineExceeded mean different things")
				require.NotErrorIs(t, r.err, os.ErrDeadlineExceeded, "callers would take that for a conn timeout: return ctx.Err(), not the Read's error")
				requireNothingLeftReading(t)
				requireUsable(t, conn, peer, "a ReadContext that gave up", hintPoisoned)
			})
		})
	}
}

// A ctx that ends after ReadContext has returned must not touch the conn.
func TestReadContextLetsGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conn, peer := pipe(t)
		ctx, cancel := context.WithCancel(t.Context())
		write(peer, "hello")
		r := await(t, readContext(ctx, conn, make([]byte, 16)), patience, "the peer had written \"hello\"")
		require.NoError(t, r.err)
		require.Equal(t, 5, r.n)
		cancel()
		synctest.Wait()
		requireUsable(t, conn, peer, "a ReadContext that returned data and then a cancel of its ctx",
			"hint: call the stop function context.AfterFunc returned before ReadContext returns, so that a ctx ending later does nothing to the conn")
	})
}

func TestReadContextEOF(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conn, peer := pipe(t)
		time.AfterFunc(time.Second, func() { peer.Close() })
		r := await(t, readContext(t.Context(), conn, make([]byte, 16)), patience, "the peer closed the conn after 1s")
		require.ErrorIs(t, r.err, io.EOF, "the peer's close reads as io.EOF: pass the Read's errors through when ctx has not ended")
		requireNothingLeftReading(t)
	})
}

// The cost of making a Read cancellable, apart from the I/O: the conn here
// always has data ready, as a socket with bytes in its buffer does, so each
// op measures only the wrapping. AfterFunc registers and unregisters a
// callback (a few small allocations, no goroutine); with a ctx that can
// never end there is nothing to register. The folklore goroutine-per-Read
// starts a goroutine and hands the result over a channel each time — and
// leaks the goroutine whenever ctx wins.
func BenchmarkRead(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, bc := range []struct {
		name string
		read func(net.Conn, []byte) (int, error)
	}{
		{"conn.Read", func(c net.Conn, p []byte) (int, error) { return c.Read(p) }},
		{"ReadContext/Background", func(c net.Conn, p []byte) (int, error) {
			return ctxcancel.ReadContext(context.Background(), c, p)
		}},
		{"ReadContext/WithCancel", func(c net.Conn, p []byte) (int, error) { return ctxcancel.ReadContext(ctx, c, p) }},
		{"goroutine+select", func(c net.Conn, p []byte) (int, error) { return goroutineRead(ctx, c, p) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			conn := &readyConn{}
			buf := make([]byte, 64)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if n, err := bc.read(conn, buf); n != len(buf) || err != nil {
					b.Fatalf("read %d bytes, %v", n, err)
				}
			}
		})
	}
}

// readyConn is a conn that always has data: Read fills p at once. Only Read
// and SetReadDeadline are used; the other methods panic (nil Conn).
type readyConn struct{ net.Conn }

func (*readyConn) Read(p []byte) (int, error)        { return len(p), nil }
func (*readyConn) SetReadDeadline(t time.Time) error { return nil }

// goroutineRead is the folklore way, for comparison only: when ctx wins, the
// goroutine stays blocked in Read.
func goroutineRead(ctx context.Context, c net.Conn, p []byte) (int, error) {
	type res struct {
		n   int
		err error
	}
	ch := make(chan res, 1)
	go func() {
		n, err := c.Read(p)
		ch <- res{n, err}
	}()
	select {
	case r := <-ch:
		return r.n, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
