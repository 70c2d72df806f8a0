package deadlines_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/deadlines"
)

// Every test below runs in a synctest bubble over net.Pipe: time is fake, so
// an hour of idleness passes at once and timings are exact.
const (
	idle         = time.Hour
	writeTimeout = 30 * time.Second
	// patience bounds the test's own waits, in fake time: far longer than
	// any right answer takes, and free.
	patience = time.Minute
)

// session is a client connected over net.Pipe to ServeConn, which runs on
// its own goroutine. Create it inside a bubble.
type session struct {
	client net.Conn
	r      *bufio.Reader
	start  time.Time
	done   chan struct{} // closed when ServeConn returns
	err    error         // what ServeConn returned; read it after done
	closed chan struct{} // closed when ServeConn closes its conn
}

func connect(t *testing.T, srv *deadlines.Server) *session {
	t.Helper()
	client, server := net.Pipe()
	s := &session{
		client: client,
		r:      bufio.NewReader(client),
		start:  time.Now(),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
	}
	go func() {
		s.err = srv.ServeConn(&closeSpy{Conn: server, closed: s.closed})
		close(s.done)
	}()
	// Unblocks a ServeConn stuck reading or writing, so the bubble can end
	// even when a wrong answer has failed the test.
	t.Cleanup(func() { client.Close() })
	return s
}

// closeSpy records that the server closed its end of the pipe.
type closeSpy struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *closeSpy) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// status says what ServeConn was doing when the client saw something wrong.
func (s *session) status() string {
	select {
	case <-s.done:
		return fmt.Sprintf("ServeConn had returned %v", s.err)
	default:
		return "ServeConn was still running"
	}
}

// send writes line+"\n", giving up after patience (the server may not read).
func (s *session) send(line string) error {
	s.client.SetWriteDeadline(time.Now().Add(patience))
	_, err := io.WriteString(s.client, line+"\n")
	return err
}

// readLine reads one line, '\n' included, giving up after within.
func (s *session) readLine(within time.Duration) (string, error) {
	s.client.SetReadDeadline(time.Now().Add(within))
	return s.r.ReadString('\n')
}

// waitDone waits up to within for ServeConn to return.
func (s *session) waitDone(within time.Duration) bool {
	select {
	case <-s.done:
		return true
	case <-time.After(within):
		return false
	}
}

// requireHungUp checks that ServeConn has returned and closed its conn.
func (s *session) requireHungUp(t *testing.T, why string) {
	t.Helper()
	require.True(t, s.waitDone(patience), "%s: ServeConn should have returned, but it was still running %v later", why, patience)
	select {
	case <-s.closed:
	default:
		require.Fail(t, "ServeConn returned without closing its conn — a leaked connection (and file descriptor)",
			"%s; it returned %v\nhint: defer conn.Close() first thing in ServeConn, so every path closes it", why, s.err)
	}
}

// expectGoodbye reads the Goodbye that must come after the client has been
// idle for want, then the end of the stream.
func (s *session) expectGoodbye(t *testing.T, want time.Duration) {
	t.Helper()
	idleSince := time.Now()
	got, err := s.readLine(want + patience)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		require.Fail(t, "an idle client was never hung up on",
			"the client sent nothing for %v (IdleTimeout %v) and got no Goodbye; %s\n"+
				"hint: before reading each line, conn.SetReadDeadline(time.Now().Add(IdleTimeout)) — with no read deadline an idle conn lives forever (and a zero IdleTimeout means DefaultIdleTimeout, not \"never\")",
			time.Since(idleSince), want, s.status())
	}
	if err != nil {
		require.Fail(t, "the server hung up without its Goodbye",
			"the client read %q then %v; %s\n"+
				"hint: when the read deadline passes, the error wraps os.ErrDeadlineExceeded: test it with errors.Is (== misses the *net.OpError around it). "+
				"The conn still works after a deadline error, but a deadline set with SetDeadline covered writes too: set a fresh write deadline, then write Goodbye",
			got, err, s.status())
	}
	require.Equal(t, deadlines.Goodbye, got, "the last line to an idle client; %s", s.status())
	require.Equal(t, want, time.Since(idleSince),
		"Goodbye must come exactly IdleTimeout after the client's last line (time is fake here: exact to the nanosecond)\n"+
			"hint: a zero IdleTimeout means DefaultIdleTimeout; set the deadline after each reply, just before reading the next line")
	_, err = s.r.ReadByte()
	require.ErrorIs(t, err, io.EOF, "after Goodbye the server must close the conn; %s\nhint: defer conn.Close() first thing in ServeConn", s.status())
}

func TestIdleClientGetsGoodbye(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  *deadlines.Server
		want time.Duration
	}{
		{"IdleTimeout of an hour", &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout}, idle},
		{"zero Server uses DefaultIdleTimeout", &deadlines.Server{}, deadlines.DefaultIdleTimeout},
		{"a second idle timeout", &deadlines.Server{IdleTimeout: time.Second}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := connect(t, tc.srv)
				s.expectGoodbye(t, tc.want)
				s.requireHungUp(t, "after Goodbye")
				require.NoError(t, s.err, "hanging up on an idle client is a normal end of a connection: ServeConn returns nil")
			})
		})
	}
}

// A client that sends a line every 50 minutes is never idle for an hour.
func TestActivityExtendsDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
		for i := range 5 {
			time.Sleep(50 * time.Minute)
			line := fmt.Sprintf("line %d", i)
			err := s.send(line)
			var got string
			if err == nil {
				got, err = s.readLine(patience)
			}
			require.NoError(t, err,
				"the client sent %q after %v (one line every 50 minutes, IdleTimeout %v) and got no echo; %s\n"+
					"hint: a deadline does not move by itself — set the read deadline again before every line, so that each line restarts the idle clock; and set the write deadline before every write",
				line, time.Since(s.start), idle, s.status())
			require.Equal(t, line+"\n", got, "the echo of %q", line)
		}
		s.expectGoodbye(t, idle)
		s.requireHungUp(t, "after Goodbye")
	})
}

// A client that trickles a byte every 7 minutes, never a whole line, must
// not keep its conn: IdleTimeout bounds the whole line, not each Read.
func TestTricklingClientIsCutOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
		stop, trickled := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(trickled)
			for {
				if _, err := s.client.Write([]byte("x")); err != nil {
					return // the server hung up
				}
				select {
				case <-stop:
					return
				case <-time.After(7 * time.Minute):
				}
			}
		}()
		// A goroutine still blocked when the bubble ends panics the test
		// binary: stop the client, and wait for it, on every way out.
		defer func() {
			close(stop)
			s.client.Close()
			<-trickled
		}()
		got, err := s.readLine(idle + patience)
		require.NoError(t, err,
			"a client sent one byte every 7 minutes and never a whole line: after IdleTimeout (%v) the server should have said Goodbye; %s\n"+
				"hint: set the read deadline once per line, before reading the line (bufio ReadSlice/ReadString), not before each conn.Read — "+
				"else every byte pushes it forward and a trickle holds the conn forever (slowloris)", idle, s.status())
		require.Equal(t, deadlines.Goodbye, got)
		require.Equal(t, idle, time.Since(s.start), "the line had to be complete within IdleTimeout of the connection's start")
		s.requireHungUp(t, "after Goodbye")
	})
}

// net.Pipe has no buffer: a write blocks until the other end reads, so a
// client that never reads is what a full TCP window looks like.
func TestClientThatDoesNotRead(t *testing.T) {
	for _, tc := range []struct {
		name string
		send []string // lines the client sends; it reads nothing
		want time.Duration
	}{
		{"the echo of its line", []string{"hello"}, writeTimeout},
		{"the Goodbye", nil, idle + writeTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
				for _, line := range tc.send {
					require.NoError(t, s.send(line), "the server did not read the client's line; %s", s.status())
				}
				require.True(t, s.waitDone(tc.want+time.Hour),
					"the client sent %q and read nothing; %v later ServeConn was still running (IdleTimeout %v, WriteTimeout %v)\n"+
						"hint: a write to a client that does not read blocks until the write deadline: conn.SetWriteDeadline(time.Now().Add(WriteTimeout)) before every write, the Goodbye included",
					tc.send, time.Since(s.start), idle, writeTimeout)
				require.Equal(t, tc.want, time.Since(s.start),
					"ServeConn returned %v after %v: it should give up on a client that does not read exactly WriteTimeout after starting to write to it", s.err, time.Since(s.start))
				require.ErrorIs(t, s.err, os.ErrDeadlineExceeded, "ServeConn must return the write's error, a deadline error\nhint: return the error Write returned")
				s.requireHungUp(t, "after a write timed out")
			})
		})
	}
}

func TestClientHangsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
		require.NoError(t, s.send("hello"), "the server did not read the client's line; %s", s.status())
		got, err := s.readLine(patience)
		require.NoError(t, err, "no echo; %s", s.status())
		require.Equal(t, "hello\n", got)
		// Let the server get back to reading before hanging up: over a
		// pipe (not TCP), SetReadDeadline fails once the peer has closed.
		synctest.Wait()
		s.client.Close()
		s.requireHungUp(t, "after the client closed its end")
		require.Zero(t, time.Since(s.start), "ServeConn should return as soon as the client hangs up, not at the idle timeout")
		require.NoError(t, s.err, "a client that hangs up is the normal end of a connection: on io.EOF, ServeConn returns nil")
	})
}

func TestLineLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int // bytes, '\n' included
		echo bool
	}{
		{"a line of MaxLine bytes is echoed", deadlines.MaxLine, true},
		{"a line of MaxLine+1 bytes ends the conn", deadlines.MaxLine + 1, false},
		{"a megabyte with no newline ends the conn", 1 << 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
				line := strings.Repeat("x", tc.size-1) + "\n"
				sent := make(chan error, 1)
				go func() { // a pipe write blocks until the server has read it all
					_, err := io.WriteString(s.client, line)
					sent <- err
				}()
				got, err := s.readLine(patience)
				if tc.echo {
					require.NoError(t, err, "a line of %d bytes ('\\n' included) fits in MaxLine (%d) and must be echoed; %s", tc.size, deadlines.MaxLine, s.status())
					koantest.Same(t, line, got, "the echo of a line of exactly MaxLine bytes")
				} else {
					require.ErrorIs(t, err, io.EOF,
						"a line of %d bytes, more than MaxLine (%d): the server should hang up without echoing it; the client read %d bytes then %v; %s\n"+
							"hint: bufio.NewReaderSize(conn, MaxLine) and ReadSlice('\\n') return bufio.ErrBufferFull for a line that does not fit — ReadString would read the whole line into memory, however long",
						tc.size, deadlines.MaxLine, len(got), err, s.status())
					s.requireHungUp(t, "after an over-long line")
					require.Error(t, s.err, "an over-long line is an error: ServeConn must say so")
					require.NotErrorIs(t, s.err, os.ErrDeadlineExceeded, "the line was too long, not late")
				}
				select {
				case <-sent:
				case <-time.After(patience):
					t.Fatalf("the client's write of %d bytes never finished; %s", tc.size, s.status())
				}
			})
		})
	}
}

// Serve runs many clients at once; each idle one is hung up on, on time.
func TestServe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := koantest.ListenPipe(t)
		srv := &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout}
		var stopping atomic.Bool
		served := make(chan struct{})
		var serveErr error
		go func() {
			defer close(served)
			serveErr = srv.Serve(l)
			if !stopping.Load() {
				t.Errorf("Serve returned while its listener was still open: %v", serveErr)
				l.Close() // its clients read EOF instead of waiting
			}
		}()
		stop := func() bool {
			stopping.Store(true)
			l.Close()
			select {
			case <-served:
				return true
			case <-time.After(patience):
				return false
			}
		}
		// Runs before ListenPipe's cleanup, on every way out of the test.
		t.Cleanup(func() { stop() })
		start := time.Now()
		var clients []*bufio.Reader
		for i := range 10 {
			c, err := l.Dial()
			require.NoError(t, err)
			defer c.Close()
			c.SetDeadline(time.Now().Add(patience))
			r := bufio.NewReader(c)
			clients = append(clients, r)
			msg := fmt.Sprintf("client %d\n", i)
			_, err = io.WriteString(c, msg)
			var got string
			if err == nil {
				got, err = r.ReadString('\n')
			}
			require.NoError(t, err, "client %d got no echo while the clients before it were connected, and idle\n"+
				"hint: serve each conn on its own goroutine: go s.ServeConn(conn)", i)
			require.Equal(t, msg, got)
			c.SetDeadline(time.Now().Add(idle + patience))
		}
		for i, r := range clients {
			got, err := r.ReadString('\n')
			require.NoError(t, err, "client %d, idle for IdleTimeout (%v), got no Goodbye\nhint: Serve hands each conn to ServeConn, which sets the deadlines", i, idle)
			require.Equal(t, deadlines.Goodbye, got, "client %d", i)
			_, err = r.ReadByte()
			require.ErrorIs(t, err, io.EOF, "client %d: after Goodbye the conn must be closed", i)
		}
		require.Equal(t, idle, time.Since(start), "every idle client is hung up on IdleTimeout after its last line")

		require.True(t, stop(), "Serve did not return after its listener was closed\nhint: return when Accept fails")
		require.ErrorIs(t, serveErr, net.ErrClosed, "Serve must return the error from Accept; after Close it wraps net.ErrClosed")
	})
}

// Round trips over loopback TCP, with ServeConn's two deadlines per line and
// without any: setting a deadline is a timer update in the runtime's
// netpoller, no system call — cheap next to the round trip itself, so there
// is no reason to leave a server without them.
func BenchmarkRoundTrip(b *testing.B) {
	srv := &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout}
	for _, bc := range []struct {
		name  string
		serve func(net.Conn) error
	}{
		{"ServeConn", srv.ServeConn},
		{"no-deadlines", echoWithoutDeadlines},
	} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(b, err)
			defer l.Close()
			served := make(chan error, 1)
			go func() {
				conn, err := l.Accept()
				if err == nil {
					err = bc.serve(conn)
				}
				served <- err
			}()
			c, err := net.Dial("tcp", l.Addr().String())
			require.NoError(b, err)
			r := bufio.NewReader(c)
			msg := []byte(strings.Repeat("x", 63) + "\n")
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(msg); err != nil {
					b.Fatal(err)
				}
				if line, err := r.ReadSlice('\n'); err != nil || len(line) != len(msg) {
					b.Fatalf("echo: %d bytes, %v", len(line), err)
				}
			}
			c.Close()
			<-served
		})
	}
}

// echoWithoutDeadlines is ServeConn without its deadlines, for comparison.
// Never serve the network like this.
func echoWithoutDeadlines(conn net.Conn) error {
	defer conn.Close()
	r := bufio.NewReaderSize(conn, deadlines.MaxLine)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if _, err := conn.Write(line); err != nil {
			return err
		}
	}
}

// Whatever bytes a client sends, the server echoes exactly its complete
// lines, in order, up to the first line longer than MaxLine — where it
// hangs up with an error.
func FuzzServeConn(f *testing.F) {
	for _, seed := range []string{
		"hello\n",
		"one\ntwo\nthree\n",
		"a last line without newline",
		"\n\n\n",
		"crlf\r\nlines\r\n",
		strings.Repeat("x", deadlines.MaxLine-1) + "\nnext\n",
		strings.Repeat("x", deadlines.MaxLine) + "\nnext\n",
		"short\n" + strings.Repeat("y", 3*deadlines.MaxLine),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, mustFail, mayFail := model(data)
		synctest.Test(t, func(t *testing.T) {
			s := connect(t, &deadlines.Server{IdleTimeout: idle, WriteTimeout: writeTimeout})
			written := make(chan struct{})
			go func() {
				defer close(written)
				s.client.Write(data) // fails if the server hangs up: fine
			}()
			defer func() { s.client.Close(); <-written }()

			got := make([]byte, len(want))
			s.client.SetReadDeadline(time.Now().Add(patience))
			n, err := io.ReadFull(s.r, got)
			require.NoError(t, err, "read %d of the %d bytes of complete lines sent; %s", n, len(want), s.status())
			koantest.Same(t, want, got, "the echo of the complete lines")
			// Nothing more: the server waits for the rest of a line, or
			// has hung up.
			s.client.SetReadDeadline(time.Now().Add(time.Minute))
			extra, err := s.r.ReadByte()
			if err == nil {
				t.Fatalf("the server echoed more than the complete lines sent: %q…; %s", extra, s.status())
			}
			s.client.Close()
			s.requireHungUp(t, "after the client closed")
			if mustFail {
				require.Error(t, s.err, "a line was longer than MaxLine")
			} else if !mayFail {
				require.NoError(t, s.err)
			}
		})
	})
}

// model returns what the server must echo for data, and whether it must
// (or may) end with an error: a complete line longer than MaxLine must be
// refused; an unfinished last line of MaxLine bytes or more may be.
func model(data []byte) (echo []byte, mustFail, mayFail bool) {
	rest := data
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return echo, false, len(rest) >= deadlines.MaxLine
		}
		line := rest[:i+1]
		if len(line) > deadlines.MaxLine {
			return echo, true, true
		}
		echo = append(echo, line...)
		rest = rest[i+1:]
	}
}
