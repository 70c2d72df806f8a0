package tcpecho_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/tcpecho"
)

// serve runs tcpecho.Serve on a fresh loopback listener and returns its
// address. When the test ends the listener is closed and Serve must return.
func serve(t *testing.T) string {
	t.Helper()
	l := koantest.Listen(t)
	var stopping atomic.Bool
	served := make(chan error, 1)
	go func() {
		err := tcpecho.Serve(l)
		if !stopping.Load() {
			// Fail now, not when a client times out waiting for an echo.
			t.Errorf("Serve returned while its listener was still open: %v", err)
			l.Close()
		}
		served <- err
	}()
	t.Cleanup(func() {
		stopping.Store(true)
		l.Close()
		koantest.Recv(t, served, "waiting for Serve to return after its listener was closed (hint: return when Accept fails)")
	})
	return l.Addr().String()
}

// dialRaw connects to addr with a plain net.Conn, so server tests do not
// depend on the learner's client; every read and write has a deadline.
func dialRaw(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, koantest.Patience)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	koantest.SetDeadline(t, c)
	return c.(*net.TCPConn)
}

// echoLine writes line+"\n" on c and reads the echoed line back.
func echoLine(c net.Conn, r *bufio.Reader, line string) (string, error) {
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := r.ReadString('\n')
	return strings.TrimSuffix(got, "\n"), err
}

func TestEcho(t *testing.T) {
	addr := serve(t)
	ctx, cancel := context.WithTimeout(t.Context(), koantest.Patience)
	defer cancel()
	client, err := tcpecho.Dial(ctx, addr)
	require.NoError(t, err, "Dial(%q)", addr)
	defer client.Close()

	for _, tc := range []struct{ name, msg string }{
		{"a word", "hello"},
		{"an empty line", ""},
		{"unicode", "héllo, wörld ✓"},
		// Longer than bufio's default 4 KiB buffer and bufio.Scanner's 64 KiB
		// token limit, and more than one TCP segment: many reads, one line.
		{"a 100 KiB line", strings.Repeat("0123456789", 10<<10)},
		{"the connection still works after a long line", "still here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			koantest.Do(t, "waiting for Echo to return", func() { got, err = client.Echo(tc.msg) })
			const hint = "hint: bufio.Scanner gives up on lines over 64 KiB; bufio.Reader.ReadString('\\n') does not"
			require.NoError(t, err, hint)
			koantest.Same(t, tc.msg, got, "Echo must return exactly the line it sent, without the '\\n'\n"+hint)
		})
	}
}

func TestEchoRejectsNewline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conn, peer := net.Pipe()
		defer peer.Close()
		client := tcpecho.NewClient(conn)
		defer client.Close()
		conn.SetDeadline(time.Now().Add(time.Minute)) // fake time: free
		_, err := client.Echo("two\nlines")
		require.Error(t, err, `Echo("two\nlines") must fail: the server would echo two lines, and every later Echo would read the previous one's reply`)
	})
}

// The echo arrives in small pieces, as it can over a real network. A client
// that trusts one Read returns only the first piece.
func TestClientReadsWholeLine(t *testing.T) {
	for _, piece := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("%d-byte pieces", piece), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				conn, server := net.Pipe()
				defer server.Close()
				client := tcpecho.NewClient(conn)
				defer client.Close()
				// A client that waits for more than the server sends fails
				// at this deadline instead of hanging; fake time is free.
				conn.SetDeadline(time.Now().Add(time.Minute))

				go func() { // a server that writes each echo in pieces
					r := bufio.NewReader(server)
					for {
						line, err := r.ReadString('\n')
						if err != nil {
							return
						}
						for b := []byte(line); len(b) > 0; {
							n := min(piece, len(b))
							if _, err := server.Write(b[:n]); err != nil {
								return
							}
							b = b[n:]
						}
					}
				}()

				for _, msg := range []string{"hello, world", "a second line, to check nothing was left over"} {
					got, err := client.Echo(msg)
					require.NoError(t, err)
					require.Equal(t, msg, got, "the echo arrived in %d-byte pieces; Echo must return the whole line\n"+
						"hint: a single Read may return part of the line — wrap the conn in a bufio.Reader and ReadString('\\n'), and keep that reader for the next Echo", piece)
				}
			})
		})
	}
}

func TestServeManyClientsAtOnce(t *testing.T) {
	koantest.NoLeaks(t)
	addr := serve(t)

	first := dialRaw(t, addr)
	got, err := echoLine(first, bufio.NewReader(first), "first")
	require.NoError(t, err)
	require.Equal(t, "first", got)

	// The first client is still connected, and idle.
	second := dialRaw(t, addr)
	got, err = echoLine(second, bufio.NewReader(second), "second")
	require.NoError(t, err, "a second client got no echo while the first was connected and idle\n"+
		"hint: serve each connection on its own goroutine: go Handle(conn)")
	require.Equal(t, "second", got)

	// Many at once, each with its own lines: nothing crosses between them.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() { errs <- chatter(addr, i) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	first.Close()
	second.Close()
	// NoLeaks checks, after serve's cleanup has closed the listener, that no
	// goroutine of Serve or Handle is left running.
}

// chatter is client number i of many: it echoes ten lines of its own.
func chatter(addr string, i int) error {
	c, err := net.DialTimeout("tcp", addr, koantest.Patience)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(koantest.Patience))
	r := bufio.NewReader(c)
	for j := range 10 {
		want := fmt.Sprintf("client %d line %d", i, j)
		if got, err := echoLine(c, r, want); err != nil || got != want {
			return fmt.Errorf("client %d of 20 sent %q and got %q back (error: %v)", i, want, got, err)
		}
	}
	return nil
}

func TestServeReturnsWhenListenerClosed(t *testing.T) {
	l := koantest.Listen(t)
	served := make(chan error, 1)
	go func() { served <- tcpecho.Serve(l) }()
	l.Close()
	err := koantest.Recv(t, served, "waiting for Serve to return after its listener was closed")
	require.ErrorIs(t, err, net.ErrClosed, "Serve must return the error from Accept; after Close it wraps net.ErrClosed")
}

// handle accepts one connection on a fresh listener, runs tcpecho.Handle on
// it and returns the client's end and a channel that receives Handle's
// result. The server's end is returned too, to check that Handle closed it.
func handle(t *testing.T) (client *net.TCPConn, server net.Conn, handled <-chan error) {
	t.Helper()
	l := koantest.Listen(t)
	client = dialRaw(t, l.Addr().String())
	var err error
	koantest.Do(t, "accepting a connection", func() { server, err = l.Accept() })
	require.NoError(t, err)
	t.Cleanup(func() { server.Close() })
	result := make(chan error, 1)
	go func() { result <- tcpecho.Handle(server) }()
	return client, server, result
}

func TestHandleEndsWithItsClient(t *testing.T) {
	koantest.NoLeaks(t)
	client, server, handled := handle(t)
	got, err := echoLine(client, bufio.NewReader(client), "bye")
	require.NoError(t, err, "the client sent a line and read no echo")
	require.Equal(t, "bye", got)
	require.NoError(t, client.Close())

	err = koantest.Recv(t, handled, "waiting for Handle to return after its client closed the connection\n"+
		"hint: a Read that returns io.EOF means the client has gone — stop and return")
	require.NoError(t, err, "a client that closes is the normal end of a connection: Handle should return nil (io.Copy reports EOF as success)")
	_, err = server.Read(make([]byte, 1))
	require.ErrorIs(t, err, net.ErrClosed, "Handle returned but left its conn open — a file descriptor leaked\nhint: defer conn.Close()")
	// NoLeaks then checks that Handle left no helper goroutine behind.
}

// The client half-closes (CloseWrite) after sending and then reads until
// EOF: the server must echo everything, including a last line without
// '\n', and then close.
func TestHandleHalfClose(t *testing.T) {
	for _, tc := range []struct{ name, sent string }{
		{"whole lines", "one\ntwo\n"},
		{"a last line without newline", "one\ntwo"},
		{"nothing at all", ""},
		{"1 MiB", strings.Repeat("all work and no play\n", 50_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // a wrong answer times out once, not once per case
			client, _, handled := handle(t)
			sent := make(chan error, 1)
			go func() { // write while reading: a large echo fills both ways
				_, err := io.WriteString(client, tc.sent)
				if err == nil {
					err = client.CloseWrite()
				}
				sent <- err
			}()
			got, err := io.ReadAll(client)
			require.NoError(t, err, "after the client's CloseWrite, the server must echo what is left and then close, so the client reads EOF\n"+
				"hint: Read returning io.EOF means the client finished sending (maybe only that: a half-close); finish echoing, then return and close")
			require.NoError(t, koantest.Recv(t, handled, "waiting for Handle to return after the client's half-close"))
			require.NoError(t, <-sent)
			koantest.Same(t, tc.sent, string(got), "the echo after a half-close\nhint: echo bytes as they come (io.Copy), not only complete lines")
		})
	}
}

// Round trips per second over loopback TCP and over net.Pipe: the gap is
// the kernel — two syscalls and two wake-ups per direction per round trip.
// Only large messages approach memory bandwidth.
func BenchmarkEcho(b *testing.B) {
	for _, size := range []int{64, 4 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("loopback/%dB", size), func(b *testing.B) {
			l := koantest.Listen(b)
			go tcpecho.Serve(l)
			client, err := tcpecho.Dial(b.Context(), l.Addr().String())
			require.NoError(b, err)
			defer client.Close()
			benchEcho(b, client, size)
		})
	}
	// net.Pipe has no buffer: a message larger than the echo's read buffer
	// would deadlock the client's Write against the server's. Small only.
	for _, size := range []int{64, 4 << 10} {
		b.Run(fmt.Sprintf("pipe/%dB", size), func(b *testing.B) {
			conn, server := net.Pipe()
			go tcpecho.Handle(server)
			client := tcpecho.NewClient(conn)
			defer client.Close()
			benchEcho(b, client, size)
		})
	}
}

// benchEcho echoes a size-byte line (its '\n' included) per iteration.
func benchEcho(b *testing.B, client *tcpecho.Client, size int) {
	msg := strings.Repeat("x", size-1)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if got, err := client.Echo(msg); err != nil || len(got) != len(msg) {
			b.Fatalf("Echo: got %d bytes, %v", len(got), err)
		}
	}
}
