package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/server"
)

// Most tests run inside a synctest bubble over the kit's pipe listener:
// time is fake, so a timeout of two minutes is checked to the nanosecond
// and costs nothing.

// serve runs server.New(h) on a pipe listener in the current bubble. When
// the test ends the server is stopped: its shutdown hooks run (unless the
// test called Shutdown already), so that nothing New started waits for a
// Shutdown that never comes, and then whatever is left is closed.
func serve(t *testing.T, h http.HandlerFunc) (*http.Server, *koantest.PipeListener) {
	t.Helper()
	srv := server.New(h)
	require.NotNil(t, srv, "New returned a nil *http.Server")
	l := koantest.ListenPipe(t)
	go srv.Serve(l)
	t.Cleanup(func() {
		if _, called := shutDown.Load(srv); !called {
			expired, cancel := context.WithCancel(context.Background())
			cancel()
			srv.Shutdown(expired) // runs the hooks, waits for nothing
		}
		srv.Close()
	})
	return srv, l
}

// shutDown holds the servers Shutdown was called on.
var shutDown sync.Map // *http.Server -> struct{}

// shutdown runs server.Shutdown(ctx, srv) on its own goroutine and delivers
// its result. When the test ends, srv is closed and that goroutine waited
// for: a Shutdown that ignores its ctx must not outlive the bubble.
func shutdown(t *testing.T, ctx context.Context, srv *http.Server) <-chan error {
	t.Helper()
	shutDown.Store(srv, struct{}{})
	shut := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		shut <- server.Shutdown(ctx, srv)
	}()
	t.Cleanup(func() {
		srv.Close()
		if _, ok := koantest.Within(done, time.Hour); !ok {
			t.Errorf("Shutdown was still running an hour after the test ended and its server was closed")
		}
	})
	return shut
}

// dial opens a raw client connection to l, closed when the test ends.
func dial(t *testing.T, l *koantest.PipeListener) net.Conn {
	t.Helper()
	c, err := l.Dial()
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestNewServesHandler(t *testing.T) {
	// A real socket, no bubble: the server from New must work as a server.
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = server.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.URL.Path)
	}))
	ts.Start()
	defer ts.Close()
	client := &http.Client{Timeout: koantest.Patience}
	resp, err := client.Get(ts.URL + "/koan")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "hello from /koan", string(body), "New must serve the handler it was given")
}

// Slowloris: a client sends a header line now and then and never finishes.
// Each such client holds a connection and a goroutine; a few thousand of
// them take a server down without any bandwidth.
func TestSlowHeadersAreCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, l := serve(t, func(w http.ResponseWriter, r *http.Request) {})
		start := time.Now()
		c := dial(t, l)
		_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: example.com\r\n")
		require.NoError(t, err)

		const giveUp = 10 * time.Minute
		hungUp := time.Duration(-1)
		for i := 0; time.Since(start) < giveUp; i++ {
			// Wait a second for the server to react (it can only hang up:
			// the request is not complete), then send one more header.
			c.SetReadDeadline(time.Now().Add(time.Second))
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				hungUp = time.Since(start)
				break
			}
			c.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := fmt.Fprintf(c, "X-Slow-%d: .\r\n", i); err != nil {
				hungUp = time.Since(start)
				break
			}
		}
		if hungUp < 0 {
			t.Fatalf("a client sending one header line a second held its connection for %v and the server never hung up.\n"+
				"That is slowloris: a few thousand such clients exhaust a server without using any bandwidth.\n"+
				"hint: http.Server.ReadHeaderTimeout bounds the time to read a request's headers", giveUp)
		}
		require.Equal(t, server.ReadHeaderTimeout, hungUp,
			"the server hung up on the slow-header client after %v; want ReadHeaderTimeout (%v)\n"+
				"hint: when ReadHeaderTimeout is zero the header read falls back to ReadTimeout, which is far too generous for headers",
			hungUp, server.ReadHeaderTimeout)
	})
}

// A client that sends its headers at once and then its body a byte a second.
func TestSlowBodyIsCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type read struct {
			n     int
			err   error
			after time.Duration
		}
		start := time.Now()
		reads := make(chan read, 1)
		_, l := serve(t, func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			reads <- read{len(b), err, time.Since(start)}
			if err != nil {
				w.WriteHeader(http.StatusRequestTimeout)
			}
		})
		c := dial(t, l)
		const size = 120    // bytes, one a second: two minutes
		stop := t.Context() // done when the test ends, before its cleanups
		go func() {         // the slow client
			c.SetWriteDeadline(time.Now().Add(time.Hour))
			if _, err := fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: %d\r\n\r\n", size); err != nil {
				return
			}
			for range size {
				select {
				case <-time.After(time.Second):
				case <-stop.Done():
					return
				}
				if _, err := c.Write([]byte{'x'}); err != nil {
					return
				}
			}
		}()

		got, ok := koantest.Within(reads, 10*time.Minute)
		require.True(t, ok, "the handler's read of a trickled body never returned")
		var ne net.Error
		require.True(t, errors.As(got.err, &ne) && ne.Timeout(),
			"the handler read %d bytes of a body trickled at one byte a second for %v, error %v; want the read to fail with a timeout after ReadTimeout (%v)\n"+
				"hint: ReadHeaderTimeout covers only the headers; http.Server.ReadTimeout covers the whole request, body included",
			got.n, got.after, got.err, server.ReadTimeout)
		require.Equal(t, server.ReadTimeout, got.after,
			"the body read timed out after %v; want ReadTimeout (%v), counted from the start of the request", got.after, server.ReadTimeout)
	})
}

// A client that sends a request and never reads the response: the
// handler's writes block once the connection's buffers are full.
func TestSlowReaderIsCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type write struct {
			err   error
			after time.Duration
		}
		writes := make(chan write, 1)
		_, l := serve(t, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			_, err := w.Write(make([]byte, 1<<20))
			writes <- write{err, time.Since(start)}
		})
		c := dial(t, l)
		_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
		require.NoError(t, err)
		// ... and never read.

		const giveUp = 10 * time.Minute
		got, ok := koantest.Within(writes, giveUp)
		require.True(t, ok,
			"the handler's write to a client that reads nothing was still blocked after %v: each such client holds a goroutine and a connection for ever\n"+
				"hint: http.Server.WriteTimeout puts a deadline on writing the response", giveUp)
		require.Error(t, got.err, "writing 1 MiB to a client that reads nothing cannot succeed")
		require.Equal(t, server.WriteTimeout, got.after,
			"the handler's write failed after %v; want WriteTimeout (%v)", got.after, server.WriteTimeout)
	})
}

// A keep-alive connection that goes quiet after one request.
func TestIdleConnectionIsClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, l := serve(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
		c := dial(t, l)
		c.SetDeadline(time.Now().Add(time.Hour))
		_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
		require.NoError(t, err)
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		require.False(t, resp.Close, "the server asked to close the connection after one request; keep-alive should be on")

		idle := time.Now()
		_, err = br.ReadByte() // nothing more is sent: this returns when the server hangs up
		after := time.Since(idle)
		require.ErrorIs(t, err, io.EOF, "the server kept a silent keep-alive connection open for %v\nhint: http.Server.IdleTimeout", after)
		require.Equal(t, server.IdleTimeout, after,
			"the server closed the idle connection after %v; want IdleTimeout (%v)\n"+
				"hint: when IdleTimeout is zero, http.Server uses ReadTimeout instead", after, server.IdleTimeout)
	})
}

func TestMaxHeaderBytes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int // bytes in one header value
		status int
	}{
		{"32 KiB of headers is accepted", 32 << 10, http.StatusOK},
		// http.Server allows 4 KiB of slack over MaxHeaderBytes.
		{"MaxHeaderBytes + 8 KiB is refused", server.MaxHeaderBytes + 8<<10, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, l := serve(t, func(w http.ResponseWriter, r *http.Request) {})
				c := dial(t, l)
				c.SetDeadline(time.Now().Add(time.Hour))
				go func() { // the server may answer before it has read it all
					fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: example.com\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", tc.size))
				}()
				br := bufio.NewReader(c)
				resp, err := http.ReadResponse(br, nil)
				require.NoError(t, err)
				resp.Body.Close()
				if resp.Close {
					// Wait for the server to hang up, as it does after refusing
					// a request, so that nothing is left running in the bubble.
					io.Copy(io.Discard, br)
				}
				require.Equal(t, tc.status, resp.StatusCode,
					"a request with a %d-byte header got %d, want %d\n"+
						"hint: http.Server.MaxHeaderBytes (MaxHeaderBytes = %d); the default is 1 MiB per request, which a server reads into memory for every client",
					tc.size, resp.StatusCode, tc.status, server.MaxHeaderBytes)
			})
		})
	}
}

type reply struct {
	body string
	err  error
}

// get sends a GET to url on its own goroutine and delivers the whole reply.
func get(client *http.Client, url string) <-chan reply {
	replied := make(chan reply, 1)
	go func() {
		resp, err := client.Get(url)
		if err != nil {
			replied <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		replied <- reply{string(b), err}
	}()
	return replied
}

func TestShutdownLetsInFlightRequestFinish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{})
		release := make(chan struct{})
		srv, l := serve(t, func(w http.ResponseWriter, r *http.Request) {
			close(started)
			select {
			case <-release:
				io.WriteString(w, "finished")
			case <-r.Context().Done(): // the request was cut short
			}
		})
		replied := get(koantest.PipeClient(t), l.URL())
		koantest.Recv(t, started, "waiting for the request to reach the handler")

		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		shut := shutdown(t, ctx, srv)
		synctest.Wait() // Shutdown has done all it can while the handler runs

		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned (error: %v) while a request was still being handled; want it to wait for in-flight requests\n"+
				"hint: http.Server.Shutdown waits for active connections to go idle", err)
		default:
		}
		select {
		case r := <-replied:
			t.Fatalf("the in-flight request was cut when Shutdown began (body %q, error %v); want it to finish\n"+
				"hint: http.Server.Close cuts connections and Shutdown does not; and a BaseContext that is cancelled on shutdown cancels every request's context",
				r.body, r.err)
		default:
		}
		_, err := koantest.DialPipe(ctx, "tcp", l.Addr().String())
		require.ErrorIs(t, err, syscall.ECONNREFUSED, "once Shutdown begins, new connections must be refused\nhint: http.Server.Shutdown closes the listeners first")

		close(release)
		r := koantest.Recv(t, replied, "waiting for the in-flight request's response")
		require.NoError(t, r.err, "the in-flight request failed during Shutdown")
		require.Equal(t, "finished", r.body, "the in-flight request's response was cut during Shutdown")
		err = koantest.Recv(t, shut, "waiting for Shutdown to return after the last request finished")
		require.NoError(t, err, "Shutdown must return nil once every request has finished in time")
	})
}

func TestShutdownPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started := make(chan struct{})
		srv, l := serve(t, func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-r.Context().Done() // stuck until its connection is cut
		})
		replied := get(koantest.PipeClient(t), l.URL())
		koantest.Recv(t, started, "waiting for the request to reach the handler")

		const grace = 3 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		start := time.Now()
		shut := shutdown(t, ctx, srv)

		const giveUp = time.Minute
		err, ok := koantest.Within(shut, giveUp)
		require.True(t, ok, "Shutdown was still waiting %v after its ctx's %v deadline: a deploy would hang on one stuck request\n"+
			"hint: pass ctx to http.Server.Shutdown, which returns ctx's error when ctx ends", giveUp, grace)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"Shutdown must return its ctx's error when ctx ends before a stuck request finishes\n"+
				"(nil means the stuck handler returned early: was its request's context cancelled when Shutdown began?)")
		require.Equal(t, grace, time.Since(start), "Shutdown must give up exactly when its ctx ends")

		synctest.Wait() // let a closed connection reach the client
		select {
		case r := <-replied:
			require.Error(t, r.err, "the stuck request cannot have succeeded")
		default:
			t.Fatalf("Shutdown gave up at its deadline but left the stuck request running: its handler still holds the connection and the client is still waiting\n" +
				"hint: http.Server.Shutdown leaves what it could not drain; http.Server.Close cuts it (and cancels those requests' contexts)")
		}
	})
}

// A handler that streams until told to stop: Shutdown never sees its
// connection go idle unless something tells it to finish.
func TestShutdownDrainsStreams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		require.Nil(t, server.Draining(context.Background()), "Draining of a context that no server made must be nil")

		stream := func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello\n")
			http.NewResponseController(w).Flush()
			select {
			case <-server.Draining(r.Context()):
				io.WriteString(w, "bye\n")
			case <-r.Context().Done():
			}
		}
		a, la := serve(t, stream)
		_, lb := serve(t, stream)
		client := koantest.PipeClient(t)
		linesA, linesB := lines(t, client, la.URL()), lines(t, client, lb.URL())
		require.Equal(t, "hello", koantest.Recv(t, linesA, "reading the first line of stream A"))
		require.Equal(t, "hello", koantest.Recv(t, linesB, "reading the first line of stream B"))
		synctest.Wait()
		select {
		case line := <-linesA:
			t.Fatalf("stream A got %q before any Shutdown: the channel from Draining must stay open until Shutdown begins", line)
		default:
		}

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err, ok := koantest.Within(shutdown(t, ctx, a), time.Minute)
		require.True(t, ok, "Shutdown did not return within a minute; its ctx ended after 10s")
		require.NoError(t, err, "Shutdown of a server with a stream open failed; if it timed out, the stream's handler was never told to drain\n"+
			"hint: srv.RegisterOnShutdown(f) runs f when Shutdown begins — let f close a channel that handlers reach through srv.BaseContext")
		require.Less(t, time.Since(start), time.Second, "Shutdown should return as soon as the drained stream ends")
		require.Equal(t, "bye", koantest.Recv(t, linesA, "reading stream A after Shutdown"), "stream A ended without its last line: it was cut, not drained")
		line, open := koantest.Within(linesA, time.Minute)
		require.True(t, open && line == "", "stream A must end after its last line (got %q)", line)

		synctest.Wait()
		select {
		case line := <-linesB:
			t.Fatalf("shutting down server A reached server B's stream (%q): each server from New needs its own draining signal, not a package-level one", line)
		default:
		}
	})
}

// lines GETs url and delivers the response body line by line, without the
// '\n', and closes the channel at its end. The body is closed when the
// test ends.
func lines(t *testing.T, client *http.Client, url string) chan string {
	t.Helper()
	out := make(chan string, 16)
	go func() {
		defer close(out)
		resp, err := client.Get(url)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

// Timeouts cost nothing you can measure: a deadline is a timer in the
// runtime, not a syscall. Same handler, same keep-alive client, over
// loopback: a bare http.Server against one from New.
func BenchmarkServerTimeoutsCost(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, bc := range []struct {
		name string
		srv  func() *http.Server // a closed Server cannot serve again
	}{
		{"bare http.Server", func() *http.Server { return &http.Server{Handler: h} }},
		{"server.New", func() *http.Server { return server.New(h) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ts := httptest.NewUnstartedServer(nil)
			ts.Config = bc.srv()
			ts.Start()
			defer ts.Close()
			client := ts.Client()
			get := func() {
				resp, err := client.Get(ts.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			get() // warm the connection pool
			b.ReportAllocs()
			for b.Loop() {
				get()
			}
		})
	}
}
