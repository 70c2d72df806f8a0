package gracefultcp_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/gracefultcp"
)

// The tests below that shut a server down run inside synctest bubbles over
// koantest's pipe listener: a 10-second job or a 5-second Shutdown deadline
// costs no real time, and every duration is exact.
//
// A bubble has one weakness: a goroutine that never blocks — a Serve that
// keeps calling Accept on a closed listener, a Shutdown that polls a counter
// in a busy loop — stops its fake clock, and the bubble hangs the whole test
// binary. So the lifecycle of Serve is tested first on real loopback with
// real time limits, and every bubble test starts by checking that it passed.

// bubbleSafe checks, once per test binary, on real loopback, that Serve,
// Close and Shutdown return after each of the three ways a server stops, and
// that Shutdown waits without spinning. It returns a description of what
// went wrong, or "".
var bubbleSafe = sync.OnceValue(func() string {
	endings := []struct {
		how, hint string
		end       func(*gracefultcp.Server, net.Listener)
	}{
		{
			"its listener was closed by its owner",
			"when Accept fails and the server is not closing, return Accept's error — never loop back to Accept",
			func(_ *gracefultcp.Server, l net.Listener) { l.Close() },
		},
		{
			"Close was called",
			"Close closes the listeners, so that Accept fails; Serve then returns ErrServerClosed",
			func(s *gracefultcp.Server, _ net.Listener) { s.Close() },
		},
		{
			"Shutdown was called",
			"Shutdown closes the listeners first, so that Accept fails; Serve then returns ErrServerClosed",
			func(s *gracefultcp.Server, _ net.Listener) {
				ctx, cancel := context.WithTimeout(context.Background(), koantest.Patience)
				defer cancel()
				s.Shutdown(ctx)
			},
		},
	}
	problems := make(chan string, len(endings))
	for _, e := range endings {
		go func() { // all at once: a wrong answer costs one Patience, not three
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				problems <- err.Error()
				return
			}
			defer l.Close()
			handled := make(chan struct{}, 1)
			srv := &gracefultcp.Server{Handler: func(context.Context, net.Conn) { handled <- struct{}{} }}
			served := make(chan error, 1)
			go func() { served <- srv.Serve(l) }()
			// Make sure Serve is in its accept loop before stopping it.
			if c, err := net.DialTimeout("tcp", l.Addr().String(), koantest.Patience); err == nil {
				defer c.Close()
				select {
				case <-handled:
				case <-served: // a stub, or an early return: not our concern here
					problems <- ""
					return
				case <-time.After(koantest.Patience):
				}
			}
			ended := make(chan struct{})
			go func() { // a server with no busy conn: nothing to wait for
				defer close(ended)
				e.end(srv, l)
			}()
			timeout := time.After(koantest.Patience)
			select {
			case <-served:
			case <-timeout:
				l.Close()
				problems <- fmt.Sprintf("Serve had not returned %v after %s\nhint: %s", koantest.Patience, e.how, e.hint)
				return
			}
			select {
			case <-ended:
				problems <- ""
			case <-timeout:
				problems <- fmt.Sprintf("%s had not returned after %v, on a server with no connection left\n"+
					"hint: Close waits for nothing; Shutdown waits only for running Handlers", strings.TrimSuffix(e.how, " was called"), koantest.Patience)
			}
		}()
	}
	var all []string
	for range endings {
		if p := <-problems; p != "" {
			all = append(all, p)
		}
	}
	if len(all) == 0 && shutdownSpins() {
		all = append(all, "Shutdown kept a CPU busy while it waited for a running Handler: a busy loop.\n"+
			"hint: wait in a select on ctx.Done() and a channel closed when the last Handler returns; "+
			"a loop that polls must sleep between polls (net/http's Shutdown polls with a timer)")
	}
	return strings.Join(all, "\n")
})

// shutdownSpins runs Shutdown while a Handler is busy and reports whether a
// goroutine of the package under test stays runnable — never waiting —
// across many samples of every goroutine's state.
func shutdownSpins() bool {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false
	}
	defer l.Close()
	started, release := make(chan struct{}, 1), make(chan struct{})
	srv := &gracefultcp.Server{Handler: func(context.Context, net.Conn) {
		started <- struct{}{}
		<-release
	}}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(l)
	}()
	defer srv.Close()
	c, err := net.DialTimeout("tcp", l.Addr().String(), koantest.Patience)
	if err != nil {
		return false
	}
	defer c.Close()
	select {
	case <-started:
	case <-served: // other tests will say why
		return false
	case <-time.After(koantest.Patience):
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), koantest.Patience)
	defer cancel()
	shut := make(chan struct{})
	go func() {
		defer close(shut)
		srv.Shutdown(ctx)
	}()
	defer func() {
		close(release)
		select {
		case <-shut:
		case <-time.After(koantest.Patience):
		}
	}()

	const samples = 20
	hot := map[string]int{} // goroutine -> samples in which it was runnable
	buf := make([]byte, 1<<20)
	for range samples {
		time.Sleep(time.Millisecond)
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			header, frames, _ := strings.Cut(g, "\n")
			// The package under test, or its reference: not this file.
			if !strings.Contains(frames, "/gracefultcp.") {
				continue
			}
			if strings.Contains(header, "[running]") || strings.Contains(header, "[runnable]") {
				id, _, _ := strings.Cut(header, " [")
				hot[id]++
			}
		}
	}
	for _, n := range hot {
		if n >= samples*3/4 {
			return true
		}
	}
	return false
}

// requireBubbleSafe stops a test that would run the server in a bubble when
// bubbleSafe found code that never returns or never waits. Call it outside
// the bubble.
func requireBubbleSafe(t *testing.T) {
	t.Helper()
	if p := bubbleSafe(); p != "" {
		t.Fatalf("not run: this test runs your server inside a synctest bubble, where code that never returns or never waits would hang the whole test binary; "+
			"but on real loopback:\n%s\nFix TestServeLifecycle first.", p)
	}
}

// TestServeLifecycle runs on real loopback: a Serve that never returns
// fails here, after koantest.Patience, instead of hanging a bubble.
func TestServeLifecycle(t *testing.T) {
	if p := bubbleSafe(); p != "" {
		t.Fatal(p)
	}
	shutdown := func(s *gracefultcp.Server) error {
		ctx, cancel := context.WithTimeout(t.Context(), koantest.Patience)
		defer cancel()
		return s.Shutdown(ctx)
	}
	closeListener := func(l net.Listener) func(*gracefultcp.Server) error {
		return func(*gracefultcp.Server) error { l.Close(); return nil }
	}
	for _, tc := range []struct {
		name    string
		early   bool // stop the server before Serve is called
		stop    func(l net.Listener) func(*gracefultcp.Server) error
		wantErr error // what Serve returns
		hint    string
	}{
		{
			name: "listener closed by its owner", stop: closeListener, wantErr: net.ErrClosed,
			hint: "hint: when Accept fails and neither Shutdown nor Close was called, return Accept's error as it is",
		},
		{
			name: "Close", stop: func(net.Listener) func(*gracefultcp.Server) error { return (*gracefultcp.Server).Close }, wantErr: gracefultcp.ErrServerClosed,
			hint: "hint: Close closes the listeners, so Accept fails; Serve then sees the server is closing and returns ErrServerClosed",
		},
		{
			name: "Shutdown", stop: func(net.Listener) func(*gracefultcp.Server) error { return shutdown }, wantErr: gracefultcp.ErrServerClosed,
			hint: "hint: Shutdown closes the listeners, so Accept fails; Serve then sees the server is closing and returns ErrServerClosed",
		},
		{
			name: "Serve after Close", early: true, stop: func(net.Listener) func(*gracefultcp.Server) error { return (*gracefultcp.Server).Close }, wantErr: gracefultcp.ErrServerClosed,
			hint: "hint: a closed server stays closed: Serve returns ErrServerClosed at once (and closes l), as http.Server.Serve does",
		},
		{
			name: "Serve after Shutdown", early: true, stop: func(net.Listener) func(*gracefultcp.Server) error { return shutdown }, wantErr: gracefultcp.ErrServerClosed,
			hint: "hint: a shut-down server stays closed: Serve returns ErrServerClosed at once (and closes l), as http.Server.Serve does",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			koantest.NoLeaks(t)
			l := koantest.Listen(t)
			addr := l.Addr().String()
			handled := make(chan struct{}, 1)
			srv := &gracefultcp.Server{Handler: func(_ context.Context, conn net.Conn) {
				handled <- struct{}{}
				io.WriteString(conn, "hello\n") // and return, leaving conn to the server
			}}
			stop := tc.stop(l)
			served := make(chan error, 1)
			if tc.early {
				var stopErr error
				koantest.Do(t, "stopping a server that has never served", func() { stopErr = stop(srv) })
				require.NoError(t, stopErr, "stopping a server that has never served should succeed")
				go func() { served <- srv.Serve(l) }()
			} else {
				go func() { served <- srv.Serve(l) }()
				c, err := net.DialTimeout("tcp", addr, koantest.Patience)
				require.NoError(t, err)
				defer c.Close()
				koantest.SetDeadline(t, c)
				select {
				case <-handled:
				case err := <-served:
					require.FailNow(t, "Serve returned while its listener was open and no one had stopped it", "Serve returned: %v", err)
				case <-time.After(koantest.Patience):
					require.FailNow(t, "a client connected, but the Handler had not run after "+koantest.Patience.String(),
						"hint: Accept in a loop, and run Handler on its own goroutine for each conn")
				}
				got, err := bufio.NewReader(c).ReadString('\n')
				require.NoError(t, err, "reading the line the Handler wrote")
				require.Equal(t, "hello\n", got, "what the client read from a Handler that wrote \"hello\\n\"")
				var stopErr error
				koantest.Do(t, "stopping a server with no connection", func() { stopErr = stop(srv) })
				require.NoError(t, stopErr, "stopping a server whose only connection has finished should succeed")
			}
			err := koantest.Recv(t, served, "waiting for Serve to return after the server stopped\n"+tc.hint)
			require.ErrorIs(t, err, tc.wantErr, "what Serve returned\n"+tc.hint)
			if tc.wantErr != gracefultcp.ErrServerClosed {
				require.NotErrorIs(t, err, gracefultcp.ErrServerClosed, tc.hint)
			}
			if c, err := net.DialTimeout("tcp", addr, koantest.Patience); err == nil {
				c.Close()
				require.FailNow(t, "a client could still connect after Serve returned", "hint: Serve always closes l before returning (defer l.Close())")
			}
		})
	}
}

// workHandler reads one request line naming a duration ("3s"), works that
// long, and replies "done after 3s". Like real work that honours its
// context, it gives up if ctx is cancelled, and says so on abandoned. It
// also gives up when the test ends (quit), so that a wrong answer never
// leaves it blocked in the bubble.
func workHandler(quit <-chan struct{}, started, abandoned chan<- string) func(context.Context, net.Conn) {
	return func(ctx context.Context, conn net.Conn) {
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return
		}
		job := strings.TrimSpace(line)
		d, err := time.ParseDuration(job)
		if err != nil {
			return
		}
		started <- job
		select {
		case <-time.After(d):
		case <-ctx.Done():
			abandoned <- job // the server gave up on us: abandon the work
			return
		case <-quit:
			return
		}
		fmt.Fprintf(conn, "done after %s\n", job)
	}
}

// servePipe starts srv.Serve on a new pipe listener inside the bubble, and
// fails now if Serve returns at once. When the test ends it closes quit (if
// not nil), which releases the test's own Handlers, and then srv: so a wrong
// answer never leaves a Handler blocked in the bubble, which would panic the
// test binary.
func servePipe(t *testing.T, srv *gracefultcp.Server, quit chan struct{}) (l *koantest.PipeListener, served <-chan error) {
	t.Helper()
	l = koantest.ListenPipe(t)
	result := make(chan error, 1)
	go func() { result <- srv.Serve(l) }()
	t.Cleanup(func() { // runs before ListenPipe's cleanup closes l
		if quit != nil {
			close(quit)
		}
		srv.Close()
	})
	synctest.Wait()
	select {
	case err := <-result:
		t.Fatalf("Serve returned %v at once, on an open listener\nhint: Serve loops on Accept until the listener is closed", err)
	default:
	}
	return l, result
}

// dialPipe connects a client to l. Its reads and writes fail after a
// minute: free in fake time, and a wrong answer fails instead of hanging.
func dialPipe(t *testing.T, l *koantest.PipeListener) net.Conn {
	t.Helper()
	c, err := l.Dial()
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(time.Minute))
	return c
}

// requirePrompt fails unless got (a fake duration) is want, or at most a
// second later: a Shutdown that polls, as net/http's does, may see a change
// a little late.
func requirePrompt(t *testing.T, want, got time.Duration, msg string) {
	t.Helper()
	if got < want || got > want+time.Second {
		require.FailNow(t, msg, "it returned after %v\nhint: wait in a select on ctx.Done() and a channel closed when the last Handler returns", got)
	}
}

// within waits for a value from ch for at most d of fake time.
func within[T any](ch <-chan T, d time.Duration) (T, bool) {
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		var zero T
		return zero, false
	}
}

// Each client is served on its own goroutine, and its connection closed
// when its Handler returns.
func TestServeConnections(t *testing.T) {
	requireBubbleSafe(t)
	synctest.Test(t, func(t *testing.T) {
		srv := &gracefultcp.Server{Handler: func(_ context.Context, conn net.Conn) {
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				return
			}
			io.WriteString(conn, "bye, "+line) // and return: closing conn is the server's job
		}}
		l, _ := servePipe(t, srv, nil)
		silent, chatty := dialPipe(t, l), dialPipe(t, l)
		for _, c := range []struct {
			name string
			conn net.Conn
		}{{"the second client (the first still connected, silent)", chatty}, {"the first client", silent}} {
			_, err := io.WriteString(c.conn, "see you\n")
			require.NoError(t, err, "%s sending a line\nhint: no one read it: run each Handler on a goroutine of its own, so that one client never holds up another", c.name)
			got, err := io.ReadAll(c.conn)
			require.NoError(t, err, "%s reading until EOF; its Handler wrote a line and returned\n"+
				"hint: when Handler returns, the server closes conn (defer conn.Close() on the connection's goroutine)", c.name)
			require.Equal(t, "bye, see you\n", string(got), "what %s read", c.name)
		}
	})
}

// Two clients have sent jobs of 3 s and 10 s when Shutdown begins. Serve
// must stop at once and refuse new clients; both jobs must finish and be
// answered; Shutdown must return nil when the last one has — at 10 s.
func TestShutdownLetsInFlightWorkFinish(t *testing.T) {
	requireBubbleSafe(t)
	synctest.Test(t, func(t *testing.T) {
		started, abandoned := make(chan string, 2), make(chan string, 2)
		quit := make(chan struct{})
		srv := &gracefultcp.Server{Handler: workHandler(quit, started, abandoned)}
		l, served := servePipe(t, srv, quit)

		short, long := dialPipe(t, l), dialPipe(t, l)
		const unread = "\nhint: no one read the job: is a Handler running for each client? Run each on a goroutine of its own"
		_, err := io.WriteString(short, "3s\n")
		require.NoError(t, err, "sending a 3s job"+unread)
		_, err = io.WriteString(long, "10s\n")
		require.NoError(t, err, "sending a 10s job while the 3s job runs"+unread)
		synctest.Wait()
		require.Len(t, started, 2, "two clients sent jobs; both Handlers should be working\n"+
			"hint: run the Handler on a goroutine of its own for each conn: one client must not hold up the next")

		begin := time.Now()
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			shut <- srv.Shutdown(ctx)
		}()
		synctest.Wait()

		if len(abandoned) > 0 {
			require.FailNow(t, "in-flight work dropped: the Handlers' ctx was cancelled as soon as Shutdown began, and they abandoned their jobs",
				"hint: Shutdown lets running Handlers finish; it closes their conns and cancels their ctx only once its own ctx is done")
		}
		select {
		case err := <-served:
			require.ErrorIs(t, err, gracefultcp.ErrServerClosed, "Serve must return ErrServerClosed after Shutdown")
		default:
			require.FailNow(t, "Serve was still running after Shutdown began",
				"hint: Shutdown closes the listeners first, so that Accept fails and Serve returns at once")
		}
		select {
		case err := <-shut:
			require.FailNow(t, "in-flight work dropped: Shutdown returned while two Handlers were still working",
				"Shutdown returned %v at once\nhint: after closing the listeners, wait for every running Handler to return (count them: a WaitGroup, or a counter and a channel)", err)
		default:
		}
		if c, err := l.Dial(); err == nil {
			c.Close()
			require.FailNow(t, "a new client could connect after Shutdown began",
				"hint: Shutdown closes every listener at once; a listener left open queues clients that will never be served")
		}

		for _, job := range []struct {
			conn net.Conn
			d    time.Duration
		}{{short, 3 * time.Second}, {long, 10 * time.Second}} {
			reply, err := io.ReadAll(job.conn)
			require.NoError(t, err, "reading the reply to a %v job, until EOF\n"+
				"hint: when a Handler returns, the server closes its conn", job.d)
			require.Equal(t, fmt.Sprintf("done after %v\n", job.d), string(reply),
				"in-flight work dropped: the client of a %v job must get its reply, then EOF, though Shutdown began during the job\n"+
					"hint: Shutdown must not close busy connections, nor cancel the Handlers' ctx, until its own ctx is done", job.d)
			require.Equal(t, job.d, time.Since(begin),
				"when the %v job's reply arrived (fake time since Shutdown began)", job.d)
			if job.d < 10*time.Second {
				synctest.Wait()
				select {
				case err := <-shut:
					require.FailNow(t, "in-flight work dropped: Shutdown returned while a 10s job was still running",
						"Shutdown returned %v after %v\nhint: wait for every Handler, not just the first", err, time.Since(begin))
				default:
				}
			}
		}

		err, ok := within(shut, time.Minute)
		require.True(t, ok, "Shutdown had not returned a minute after its last Handler returned\n"+
			"hint: when the last running Handler returns, wake Shutdown up (close a channel, or WaitGroup.Wait in a goroutine)")
		require.NoError(t, err, "Shutdown after every Handler finished must return nil")
		requirePrompt(t, 10*time.Second, time.Since(begin), "Shutdown should return as soon as the last Handler does, 10s after it began")
	})
}

// Handlers that do not finish in time: Shutdown must give up when its ctx
// ends, close the remaining connections, and return ctx.Err() at once.
func TestShutdownForcesWhenCtxExpires(t *testing.T) {
	requireBubbleSafe(t)
	for _, tc := range []struct {
		name    string
		handler func(ctx context.Context, conn net.Conn, quit <-chan struct{})
		// forceable: the handler returns once the server closes its conn
		// or cancels its ctx; the last one ignores both.
		forceable bool
		cancel    bool // end Shutdown's ctx with cancel, not a deadline
		wantErr   error
	}{
		{
			name: "a Handler reading a silent client",
			handler: func(_ context.Context, conn net.Conn, _ <-chan struct{}) {
				io.Copy(io.Discard, conn) // returns when conn is closed
			},
			forceable: true, wantErr: context.DeadlineExceeded,
		},
		{
			name: "a Handler working until its ctx is done",
			handler: func(ctx context.Context, _ net.Conn, quit <-chan struct{}) {
				select {
				case <-ctx.Done():
				case <-quit:
				}
			},
			forceable: true, wantErr: context.DeadlineExceeded,
		},
		{
			name: "a Handler that ignores its conn and its ctx",
			handler: func(_ context.Context, _ net.Conn, quit <-chan struct{}) {
				<-quit // stuck, as in a bug, until the test ends
			},
			wantErr: context.DeadlineExceeded,
		},
		{
			name: "a Handler reading a silent client; Shutdown's ctx cancelled",
			handler: func(_ context.Context, conn net.Conn, _ <-chan struct{}) {
				io.Copy(io.Discard, conn)
			},
			forceable: true, cancel: true, wantErr: context.Canceled,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const grace = 5 * time.Second
				started, returned := make(chan struct{}, 1), make(chan struct{}, 1)
				quit := make(chan struct{})
				srv := &gracefultcp.Server{Handler: func(ctx context.Context, conn net.Conn) {
					started <- struct{}{}
					tc.handler(ctx, conn, quit)
					returned <- struct{}{}
				}}
				l, _ := servePipe(t, srv, quit)
				client := dialPipe(t, l)
				_, ok := within(started, time.Minute)
				require.True(t, ok, "a client connected but the Handler never ran")

				begin := time.Now()
				var ctx context.Context
				var cancel context.CancelFunc
				if tc.cancel {
					ctx, cancel = context.WithCancel(context.Background())
					time.AfterFunc(grace, cancel)
				} else {
					ctx, cancel = context.WithTimeout(context.Background(), grace)
				}
				defer cancel()
				shut := make(chan error, 1)
				go func() { shut <- srv.Shutdown(ctx) }()

				err, ok := within(shut, time.Minute)
				require.True(t, ok, "Shutdown had not returned a minute after it began, though its ctx ended after %v\n"+
					"hint: wait in a select with a case <-ctx.Done(); then close the connections and return ctx.Err() without waiting for the Handlers again", grace)
				requirePrompt(t, grace, time.Since(begin),
					fmt.Sprintf("Shutdown with a Handler still running must wait until its ctx ends (%v), then return at once", grace))
				require.ErrorIs(t, err, tc.wantErr, "Shutdown whose ctx ended must return ctx.Err()")

				// The forced close: the client's connection is closed
				// whether or not its Handler cooperates.
				client.SetReadDeadline(time.Now().Add(time.Second))
				_, err = client.Read(make([]byte, 1))
				require.Error(t, err)
				require.NotErrorIs(t, err, os.ErrDeadlineExceeded, "the client was still connected after Shutdown gave up waiting\n"+
					"hint: when ctx is done, close every remaining connection, as Close does")
				if tc.forceable {
					_, ok := within(returned, time.Second)
					require.True(t, ok, "the Handler was still running after Shutdown gave up waiting; it returns once its conn is closed or its ctx cancelled\n"+
						"hint: when Shutdown's ctx is done, close the conns and cancel the Handlers' ctx (the server's own context.WithCancel)")
				}
			})
		})
	}
}

// Close ends everything now and waits for nothing.
func TestCloseEndsEverythingNow(t *testing.T) {
	requireBubbleSafe(t)
	synctest.Test(t, func(t *testing.T) {
		kinds := []struct {
			name      string
			handler   func(ctx context.Context, conn net.Conn, quit <-chan struct{})
			forceable bool
		}{
			{"reading its client", func(_ context.Context, conn net.Conn, _ <-chan struct{}) { io.Copy(io.Discard, conn) }, true},
			{"waiting on its ctx", func(ctx context.Context, _ net.Conn, quit <-chan struct{}) {
				select {
				case <-ctx.Done():
				case <-quit:
				}
			}, true},
			{"ignoring its conn and its ctx", func(_ context.Context, _ net.Conn, quit <-chan struct{}) { <-quit }, false},
		}
		started := make(chan int, len(kinds))
		returned := make([]chan struct{}, len(kinds))
		for i := range returned {
			returned[i] = make(chan struct{}, 1)
		}
		quit := make(chan struct{})
		srv := &gracefultcp.Server{Handler: func(ctx context.Context, conn net.Conn) {
			// Each client names its kind of Handler in its first byte.
			b := make([]byte, 1)
			if _, err := io.ReadFull(conn, b); err != nil {
				return
			}
			i := int(b[0] - '0')
			started <- i
			kinds[i].handler(ctx, conn, quit)
			returned[i] <- struct{}{}
		}}
		l, served := servePipe(t, srv, quit)
		clients := make([]net.Conn, len(kinds))
		for i := range kinds {
			clients[i] = dialPipe(t, l)
			_, err := fmt.Fprintf(clients[i], "%d", i)
			require.NoError(t, err, "client %d of 3 writing its first byte\nhint: no one read it: run each Handler on a goroutine of its own", i+1)
		}
		synctest.Wait()
		require.Len(t, started, len(kinds), "three clients connected; three Handlers should be running")

		closed := make(chan error, 1)
		go func() { closed <- srv.Close() }()
		err, ok := within(closed, time.Minute)
		require.True(t, ok, "Close had not returned after a minute\nhint: Close closes and cancels everything, but waits for nothing — a Handler may never return")
		require.NoError(t, err, "Close closing open listeners should succeed")
		synctest.Wait()
		select {
		case err := <-served:
			require.ErrorIs(t, err, gracefultcp.ErrServerClosed, "Serve must return ErrServerClosed after Close")
		default:
			require.FailNow(t, "Serve was still running after Close", "hint: Close closes the listeners, so that Accept fails")
		}
		for i, k := range kinds {
			clients[i].SetReadDeadline(time.Now().Add(time.Second))
			_, err := clients[i].Read(make([]byte, 1))
			require.Error(t, err)
			require.NotErrorIs(t, err, os.ErrDeadlineExceeded, "the client of a Handler %s was still connected after Close\n"+
				"hint: Close closes every connection the server is serving: keep them in a set", k.name)
			if k.forceable {
				_, ok := within(returned[i], time.Second)
				require.True(t, ok, "a Handler %s was still running after Close\n"+
					"hint: Close closes every conn and cancels the ctx it gave the Handlers", k.name)
			}
		}
	})
}

// Serve may run on several listeners; Shutdown closes them all.
func TestShutdownClosesEveryListener(t *testing.T) {
	requireBubbleSafe(t)
	synctest.Test(t, func(t *testing.T) {
		srv := &gracefultcp.Server{Handler: func(context.Context, net.Conn) {}}
		l1, served1 := servePipe(t, srv, nil)
		l2, served2 := servePipe(t, srv, nil)
		shut := make(chan error, 1)
		go func() { shut <- srv.Shutdown(context.Background()) }()
		err, ok := within(shut, time.Minute)
		require.True(t, ok, "Shutdown of a server with no connections had not returned after a minute")
		require.NoError(t, err, "Shutdown of a server with no connections")
		for i, s := range []struct {
			l      *koantest.PipeListener
			served <-chan error
		}{{l1, served1}, {l2, served2}} {
			err, ok := within(s.served, time.Second)
			require.True(t, ok, "Serve on listener %d of 2 was still running after Shutdown\n"+
				"hint: keep every listener Serve is using (a set, not one field), and close them all", i+1)
			require.ErrorIs(t, err, gracefultcp.ErrServerClosed, "what Serve on listener %d of 2 returned", i+1)
			if c, err := s.l.Dial(); err == nil {
				c.Close()
				require.FailNow(t, "a client could still connect after Shutdown", "listener %d of 2 is still open", i+1)
			}
		}
	})
}

// A connection's cost: dial, one byte from the server, close — through a
// bare accept loop and through Server. The difference is what graceful
// shutdown costs: a mutex, a map entry and a context per connection. Over
// loopback TCP, where the handshake and the syscalls take tens of µs, it is
// lost in the noise; over in-memory pipes, with no kernel, it shows, at a
// few µs per connection.
func BenchmarkConnection(b *testing.B) {
	handle := func(conn net.Conn) {
		conn.Write([]byte{'x'})
		io.Copy(io.Discard, conn) // until the client closes first: TIME_WAIT stays on its side
	}
	bare := func(_ *testing.B, l net.Listener) {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				handle(conn)
			}()
		}
	}
	server := func(b *testing.B, l net.Listener) {
		srv := &gracefultcp.Server{Handler: func(_ context.Context, conn net.Conn) { handle(conn) }}
		if err := srv.Serve(l); !errors.Is(err, net.ErrClosed) {
			b.Errorf("Serve returned %v while the benchmark ran", err)
			l.Close() // the client fails now instead of waiting
		}
		srv.Close()
	}
	for _, serve := range []struct {
		name  string
		serve func(*testing.B, net.Listener)
	}{{"bare-accept-loop", bare}, {"gracefultcp.Server", server}} {
		b.Run("loopback/"+serve.name, func(b *testing.B) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(b, err)
			defer l.Close()
			go serve.serve(b, l)
			benchConnect(b, func() (net.Conn, error) { return net.Dial("tcp", l.Addr().String()) })
		})
		b.Run("pipe/"+serve.name, func(b *testing.B) {
			l := koantest.ListenPipe(b)
			go serve.serve(b, l)
			benchConnect(b, l.Dial)
		})
	}
}

func benchConnect(b *testing.B, dial func() (net.Conn, error)) {
	b.ReportAllocs()
	buf := make([]byte, 1)
	for b.Loop() {
		c, err := dial()
		if err != nil {
			b.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(koantest.Patience))
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatalf("reading the server's byte: %v", err)
		}
		c.Close()
	}
}
