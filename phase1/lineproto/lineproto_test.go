package lineproto_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/internal/todo"
	"github.com/netkoans/netkoans/phase1/lineproto"
)

var errBoom = errors.New("boom: the network failed")

// readLines calls ReadLine until it fails and returns the lines and the
// error, failing the test if that takes too long.
func readLines(t *testing.T, r *lineproto.Reader) (lines []string, err error) {
	t.Helper()
	koantest.Do(t, "calling ReadLine until it returned an error", func() { lines, err = readAll(r) })
	return lines, err
}

// readAll calls ReadLine until it fails. A ReadLine that never fails is
// stopped after many lines.
func readAll(r *lineproto.Reader) (lines []string, err error) {
	for range 10_000 {
		line, err := r.ReadLine()
		if err != nil {
			return lines, err
		}
		lines = append(lines, line)
	}
	return lines, errors.New("ReadLine returned 10000 lines and no error: it never reports io.EOF")
}

// short shows s quoted, cut in the middle when it is long.
func short(s string) string {
	if len(s) <= 60 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…(%d bytes)…%q", s[:24], len(s), s[len(s)-12:])
}

func shortAll(lines []string) string {
	var parts []string
	for _, l := range lines {
		parts = append(parts, short(l))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// sameLines fails unless got and want hold the same lines, and stays
// readable when lines are kilobytes long.
func sameLines(t *testing.T, want, got []string, msg string) {
	t.Helper()
	for i := range min(len(want), len(got)) {
		koantest.Same(t, want[i], got[i], fmt.Sprintf("%s\nline %d: want %s, got %s", msg, i+1, short(want[i]), short(got[i])))
	}
	if len(want) != len(got) {
		t.Fatalf("%s\n  want %d line(s): %s\n  got  %d line(s): %s", msg, len(want), shortAll(want), len(got), shortAll(got))
	}
}

func TestReadLine(t *testing.T) {
	x := strings.Repeat
	const (
		eof     = false
		tooLong = true
	)
	for _, tc := range []struct {
		name    string
		in      string
		max     int
		want    []string
		tooLong bool
		hint    string
	}{
		{"LF endings", "PING\nECHO hi\n", 64, []string{"PING", "ECHO hi"}, eof,
			"a line ends at '\\n': bufio.Reader.ReadSlice('\\n') finds it"},
		{"CRLF endings", "PING\r\nECHO hi\r\n", 64, []string{"PING", "ECHO hi"}, eof,
			"the CR of a CRLF belongs to the line ending: drop it with the LF"},
		{"CRLF and LF mixed", "PING\r\nECHO hi\nQUIT\r\n", 64, []string{"PING", "ECHO hi", "QUIT"}, eof,
			"accept both endings, line by line"},
		{"a last line without newline", "PING\r\nQUIT", 64, []string{"PING", "QUIT"}, eof,
			"at the end of the input ReadSlice/ReadString return the last line AND io.EOF together: return the line now, io.EOF on the next call"},
		{"a last line ended by a lone CR", "PING\r", 64, []string{"PING"}, eof,
			"a CR at the very end of the input is dropped too (as bufio.ScanLines does)"},
		{"empty input", "", 64, nil, eof,
			"no bytes at all: io.EOF at once, not an empty line"},
		{"empty lines", "\r\n\n\r\n", 64, []string{"", "", ""}, eof,
			"an empty line is a line; only the end of the input is io.EOF"},
		{"a bare CR stays in the line", "PI\rNG\r\n", 64, []string{"PI\rNG"}, eof,
			"only a CR right before the LF is part of the ending: do not split at CR or delete every CR"},
		{"only one CR is dropped", "ECHO a\r\r\n", 64, []string{"ECHO a\r"}, eof,
			"strings.TrimRight(line, \"\\r\\n\") drops every CR; drop one (bytes.TrimSuffix)"},
		{"spaces are kept", " ECHO  hi  \r\n", 64, []string{" ECHO  hi  "}, eof,
			"strings.TrimSpace changes the line: ECHO's text keeps its spaces"},
		{"a line of exactly max bytes, CRLF", x("x", 16) + "\r\nnext\n", 16, []string{x("x", 16), "next"}, eof,
			"max counts the line without its ending: the buffer needs room for max+2 bytes (bufio.NewReaderSize(r, max+2))"},
		{"a line of exactly max bytes, LF", x("x", 16) + "\nnext\n", 16, []string{x("x", 16), "next"}, eof,
			"max counts the line without its ending"},
		{"a line of exactly max bytes at the end of the input", x("x", 16), 16, []string{x("x", 16)}, eof,
			"max counts the line without its ending"},
		{"max+1 bytes", x("x", 17) + "\r\n", 16, nil, tooLong,
			"compare the length of the line, without its ending, with max; wrap ErrLineTooLong (fmt.Errorf(\"%w ...\"))"},
		{"max+1 bytes at the end of the input", x("x", 17), 16, nil, tooLong,
			"the last line has a limit too"},
		{"max+1 bytes with a CR before the LF", x("x", 16) + "\r\r\n", 16, nil, tooLong,
			"only one CR is part of the ending; the other counts"},
		{"a long line after good ones", "PING\r\n" + x("x", 17) + "\r\nPING\r\n", 16, []string{"PING"}, tooLong,
			"report the long line when you reach it"},
		{"a limit above bufio's default 4 KiB buffer", "ECHO " + x("a", 6000) + "\r\nPING\r\n", 8000, []string{"ECHO " + x("a", 6000), "PING"}, eof,
			"bufio.NewReader's buffer holds 4096 bytes and ReadSlice fails with bufio.ErrBufferFull beyond it: size the buffer from max"},
		{"exactly max bytes, CRLF, with a limit above 4 KiB", x("x", 5000) + "\r\nnext\r\n", 5000, []string{x("x", 5000), "next"}, eof,
			"max counts the line without its ending: a buffer (or bufio.Scanner.Buffer's max) of max bytes has no room for the CRLF"},
		{"one byte over a limit above 4 KiB", x("x", 8001) + "\n", 8000, nil, tooLong,
			"compare the length with max, not with a buffer size"},
		{"max counts bytes, not characters", "héllo\r\n", 5, nil, tooLong,
			"len(line) counts bytes; \"é\" is two of them"},
		{"multi-byte characters within the limit", "héllo\r\n", 6, []string{"héllo"}, eof,
			"len(line) counts bytes; \"é\" is two of them"},
	} {
		for _, rd := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{
			{"all at once", func(r io.Reader) io.Reader { return r }},
			{"one byte per Read", iotest.OneByteReader},
			{"io.EOF with the last bytes", iotest.DataErrReader},
		} {
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				r := lineproto.NewReader(rd.wrap(strings.NewReader(tc.in)), tc.max)
				got, err := readLines(t, r)
				msg := fmt.Sprintf("ReadLine over %s (max %d, read %s)\nhint: %s", short(tc.in), tc.max, rd.name, tc.hint)
				if tc.tooLong {
					require.ErrorIs(t, err, lineproto.ErrLineTooLong, "%s\nthe lines before the error: %s", msg, shortAll(got))
				} else {
					require.ErrorIs(t, err, io.EOF, "%s\nthe lines before the error: %s", msg, shortAll(got))
				}
				sameLines(t, tc.want, got, msg)
			})
		}
	}
}

// endless is a peer that sends 'a' and never a newline, up to limit bytes.
type endless struct{ read, limit int }

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.limit {
		return 0, io.EOF
	}
	n := min(len(p), e.limit-e.read)
	for i := range n {
		p[i] = 'a'
	}
	e.read += n
	return n, nil
}

func TestReadLineStopsEarlyOnALongLine(t *testing.T) {
	src := &endless{limit: 8 << 20}
	const max = 100
	r := lineproto.NewReader(src, max)
	var err error
	koantest.Do(t, "reading a line that never ends", func() { _, err = r.ReadLine() })
	require.ErrorIs(t, err, lineproto.ErrLineTooLong, "a line with no end in sight is too long")
	require.LessOrEqual(t, src.read, max+64<<10,
		"ReadLine read %d bytes to find that a line was longer than %d: a peer that never sends LF would fill your memory\n"+
			"hint: ReadString and io.ReadAll grow without bound; ReadSlice on a bufio.Reader of max+2 bytes fails with bufio.ErrBufferFull when it is full", src.read, max)
}

func TestReadLineReturnsOtherErrors(t *testing.T) {
	in := io.MultiReader(strings.NewReader("PING\r\nPI"), iotest.ErrReader(errBoom))
	got, err := readLines(t, lineproto.NewReader(in, 64))
	require.ErrorIs(t, err, errBoom, "a read error other than io.EOF must be returned as it is\nhint: only io.EOF means \"the input ended\"")
	sameLines(t, []string{"PING"}, got, `after "PING\r\n", the read failed midway through "PI": that line is incomplete and must not be returned`+
		"\nhint: return the error without the partial line; acting on half a command is worse than failing")
}

// ReadLine must return a line as soon as its LF is in, without waiting for
// more: the client is waiting for the reply.
func TestReadLineDoesNotWaitForMore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, server := net.Pipe()
		defer client.Close()
		defer server.Close()
		server.SetReadDeadline(time.Now().Add(time.Minute)) // fake time: free
		go client.Write([]byte("PING\r\nECHO hi\r\n"))      // then nothing: the peer waits

		r := lineproto.NewReader(server, 1024)
		for _, want := range []string{"PING", "ECHO hi"} {
			got, err := r.ReadLine()
			require.NoError(t, err, "the peer sent two whole lines and waited; ReadLine waited for more and hit the deadline\n"+
				"hint: ReadSlice('\\n') returns once the '\\n' is in; io.ReadFull waits to fill the whole buffer")
			require.Equal(t, want, got)
		}
		_, err := r.ReadLine()
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "with no more input, ReadLine waits until the conn's deadline and returns that error")
	})
}

// recorder is an io.Writer that remembers each Write call.
type recorder struct{ writes []string }

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

func TestWriterBuffersUntilFlush(t *testing.T) {
	var dst recorder
	w := lineproto.NewWriter(&dst)
	for _, line := range []string{"+PONG", "", "+ two  spaces "} {
		require.NoError(t, w.WriteLine(line), "WriteLine(%q)", line)
	}
	require.Empty(t, dst.writes, "WriteLine wrote %d time(s) to the conn before Flush: one write, one syscall (maybe one packet) per line\n"+
		"hint: bufio.NewWriter collects lines in memory; Flush sends them in one write", len(dst.writes))
	require.NoError(t, w.Flush())
	require.Equal(t, []string{"+PONG\r\n\r\n+ two  spaces \r\n"}, dst.writes,
		"Flush must send everything buffered, in one write, each line ended by CRLF (\"\\r\\n\")")

	long := strings.Repeat("0123456789", 1000) // larger than the buffer
	require.NoError(t, w.WriteLine(long))
	require.NoError(t, w.WriteLine("+OK"))
	require.NoError(t, w.Flush())
	koantest.Same(t, long+"\r\n+OK\r\n", strings.Join(dst.writes[1:], ""), "a line longer than the buffer, then a short one, after Flush")
}

func TestWriterRejectsLineBreaks(t *testing.T) {
	var dst bytes.Buffer
	w := lineproto.NewWriter(&dst)
	for _, line := range []string{"+a\r\n+OK", "+a\nb", "+a\rb", "+a\r", "\n"} {
		require.ErrorIs(t, w.WriteLine(line), lineproto.ErrLineBreak,
			"WriteLine(%q): the peer would read more than one line — a client could forge replies\nhint: strings.ContainsAny(line, \"\\r\\n\")", line)
	}
	require.NoError(t, w.WriteLine("+OK"))
	require.NoError(t, w.Flush())
	require.Equal(t, "+OK\r\n", dst.String(), "a rejected line must write nothing")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errBoom }

func TestWriterFlushReportsErrors(t *testing.T) {
	w := lineproto.NewWriter(failingWriter{})
	require.NoError(t, w.WriteLine("+PONG"), "WriteLine only buffers: nothing has been written yet, nothing can have failed")
	require.ErrorIs(t, w.Flush(), errBoom, "Flush must return the error of the write that failed: the reply was lost")
}

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		line string
		want lineproto.Command
	}{
		{"PING", lineproto.Command{Name: "PING"}},
		{"QUIT", lineproto.Command{Name: "QUIT"}},
		{"ECHO hello", lineproto.Command{Name: "ECHO", Args: []string{"hello"}}},
		{"ECHO  hello  world ", lineproto.Command{Name: "ECHO", Args: []string{" hello  world "}}},
		{"ECHO ", lineproto.Command{Name: "ECHO", Args: []string{""}}},
		{"SET k v", lineproto.Command{Name: "SET", Args: []string{"k", "v"}}},
		{"SET greeting hello, world", lineproto.Command{Name: "SET", Args: []string{"greeting", "hello, world"}}},
		{"SET k ", lineproto.Command{Name: "SET", Args: []string{"k", ""}}},
		{"GET k", lineproto.Command{Name: "GET", Args: []string{"k"}}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			got, err := lineproto.ParseCommand(tc.line)
			require.NoError(t, err, "ParseCommand(%q)", tc.line)
			if len(got.Args) == 0 {
				got.Args = nil // nil and empty are the same here
			}
			require.Equal(t, tc.want, got, "ParseCommand(%q)\nhint: strings.Cut(line, \" \") splits at the first space and keeps the rest as it is", tc.line)
		})
	}
	for _, tc := range []struct{ line, why string }{
		{"", "an empty line is no command"},
		{"ping", "names are upper case"},
		{"FLY me", "unknown command"},
		{"PING now", "PING takes no argument"},
		{"PING ", "PING takes no argument, not even an empty one"},
		{"QUIT now", "QUIT takes no argument"},
		{"ECHO", "ECHO needs a text"},
		{"SET", "SET needs a key and a value"},
		{"SET k", "SET needs a value after its key"},
		{"SET  k v", "two spaces: the key would be empty"},
		{"GET", "GET needs a key"},
		{"GET ", "GET needs a key"},
		{"GET a b", "a key is one word"},
		{"ECHO a\rb", "a bare CR: some peers end lines there (line smuggling)"},
		{"SET k v\r", "a bare CR: some peers end lines there"},
		{"FLY\rME", "unknown, and with a bare CR"},
	} {
		t.Run(fmt.Sprintf("%q", tc.line), func(t *testing.T) {
			cmd, err := lineproto.ParseCommand(tc.line)
			require.Error(t, err, "ParseCommand(%q) must fail: %s; got %q", tc.line, tc.why, cmd)
			require.NotErrorIs(t, err, todo.Err, "ParseCommand is not written yet")
			require.False(t, strings.ContainsAny(err.Error(), "\r\n"),
				"the error's text goes back to the client as \"-ERR <text>\", so it must be one line; got %q\nhint: quote the client's bytes with %%q", err.Error())
		})
	}
}

// scriptConn is a net.Conn that plays a client's input from in, records
// what the server wrote, and remembers whether and when it was closed. A
// server that keeps calling it after errors (a busy loop) is stopped.
type scriptConn struct {
	in         io.Reader
	out        bytes.Buffer
	closed     bool
	lateWrites int           // writes after Close: replies lost
	errs       int           // errors returned so far
	spun       chan struct{} // closed when the server is stopped for spinning
}

func (c *scriptConn) Read(p []byte) (int, error) {
	if c.closed {
		return 0, c.fail(net.ErrClosed)
	}
	n, err := c.in.Read(p)
	if err != nil {
		c.fail(err)
	}
	return n, err
}

func (c *scriptConn) Write(p []byte) (int, error) {
	if c.closed {
		c.lateWrites++
		return 0, c.fail(net.ErrClosed)
	}
	return c.out.Write(p)
}

// fail counts an error returned to the server, and ends the server's
// goroutine if it has ignored a thousand of them.
func (c *scriptConn) fail(err error) error {
	if c.errs++; c.errs > 1000 {
		close(c.spun)
		runtime.Goexit()
	}
	return err
}

func (c *scriptConn) Close() error { c.closed = true; return nil }
func (c *scriptConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 7008}
}
func (c *scriptConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
}
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// handleScript runs Handle over a client that sends in and then closes its
// side, and returns the reply lines (without CRLF) and Handle's result.
func handleScript(t *testing.T, in io.Reader) (replies []string, err error) {
	t.Helper()
	c := &scriptConn{in: in, spun: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = lineproto.Handle(c)
	}()
	select {
	case <-done:
	case <-c.spun:
		t.Fatalf("Handle kept reading after the client had closed its side (io.EOF) or after errors: a busy loop\n" +
			"hint: return on io.EOF, and on any other error from ReadLine or Flush")
	case <-time.After(koantest.Patience):
		t.Fatalf("your code blocked for %v while running Handle over a client that sent its lines and closed its side", koantest.Patience)
	}
	require.True(t, c.closed, "Handle returned without closing conn: a file descriptor leaked\nhint: defer conn.Close()")
	require.Zero(t, c.lateWrites, "Handle wrote to conn after closing it: those replies were lost\n"+
		"hint: flush before closing; deferred calls run last first, so defer conn.Close() before you defer a Flush — or flush explicitly")
	out := c.out.String()
	require.Equal(t, strings.Count(out, "\n"), strings.Count(out, "\r\n"), "every reply ends with CRLF: %s", short(out))
	if out == "" {
		return nil, err
	}
	require.True(t, strings.HasSuffix(out, "\r\n"), "the last reply has no line ending: %s", short(out))
	return strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n"), err
}

// matchReplies compares replies with want, where a want of "-ERR" stands
// for any error reply.
func matchReplies(t *testing.T, want, got []string, msg string) {
	t.Helper()
	want = append([]string(nil), want...)
	for i := range min(len(want), len(got)) {
		if want[i] == "-ERR" && strings.HasPrefix(got[i], "-ERR ") {
			want[i] = got[i]
		}
	}
	sameLines(t, want, got, msg)
}

func TestHandle(t *testing.T) {
	x := strings.Repeat
	var sets strings.Builder
	var setReplies []string
	for i := range lineproto.MaxKeys {
		fmt.Fprintf(&sets, "SET k%d v%d\r\n", i, i)
		setReplies = append(setReplies, "+OK")
	}
	for _, tc := range []struct {
		name    string
		in      string
		want    []string
		wantErr error
		hint    string
	}{
		{"PING", "PING\r\n", []string{"+PONG"}, nil,
			"bufio.Writer holds replies until Flush: flush before Handle returns and closes conn"},
		{"PING with LF only", "PING\n", []string{"+PONG"}, nil,
			"accept LF as well as CRLF; reply with CRLF"},
		{"every command", "ECHO  hello  world \r\nSET k v a l\r\nGET k\r\nGET nope\r\nSET k w\r\nGET k\r\nQUIT\r\n",
			[]string{"+ hello  world ", "+OK", "+v a l", "-ERR", "+OK", "+w", "+BYE"}, nil,
			"see the table in Handle's doc comment"},
		{"nothing after QUIT", "QUIT\r\nPING\r\n", []string{"+BYE"}, nil,
			"QUIT ends the session: reply +BYE, flush, return"},
		{"a last line without newline", "PING\r\nECHO bye", []string{"+PONG", "+bye"}, nil,
			"the last line may end at the end of the input, without LF"},
		{"the client just closes", "", nil, nil,
			"io.EOF before any line is the client leaving: return nil"},
		{"bad lines get -ERR, and the session goes on",
			"ping\r\nFLY\r\n\r\nPING now\r\nSET k\r\nPI\rNG\r\nPING\r\n",
			[]string{"-ERR", "-ERR", "-ERR", "-ERR", "-ERR", "-ERR", "+PONG"}, nil,
			"reply \"-ERR \" + the error of ParseCommand, and read the next line"},
		{"a line of MaxLineLength bytes", "ECHO " + x("a", lineproto.MaxLineLength-5) + "\r\nPING\r\n",
			[]string{"+" + x("a", lineproto.MaxLineLength-5), "+PONG"}, nil,
			"read with NewReader(conn, MaxLineLength)"},
		{"an over-long line", "ECHO " + x("a", lineproto.MaxLineLength) + "\r\nPING\r\n",
			[]string{"-ERR line too long"}, lineproto.ErrLineTooLong,
			"reply \"-ERR line too long\", flush, return the error: the rest of that line is still coming, so the stream is out of step"},
		{"MaxKeys keys per connection", sets.String() + "SET one more\r\nSET k0 new\r\nGET k0\r\nGET one\r\n",
			append(setReplies, "-ERR", "+OK", "+new", "-ERR"), nil,
			"a new key beyond MaxKeys gets -ERR (a client must not fill the server's memory); an existing key may still change"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := handleScript(t, strings.NewReader(tc.in))
			msg := fmt.Sprintf("the replies to %s\nhint: %s", short(tc.in), tc.hint)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr, msg)
			} else {
				require.NoError(t, err, "Handle's result when the client sent %s and closed\n"+
					"hint: QUIT, or io.EOF from ReadLine, is a normal end: return nil", short(tc.in))
			}
			matchReplies(t, tc.want, got, msg)
		})
	}
}

func TestHandleStopsReadingALongLine(t *testing.T) {
	src := &endless{limit: 8 << 20}
	got, err := handleScript(t, src)
	require.ErrorIs(t, err, lineproto.ErrLineTooLong, "a line with no end in sight is too long")
	require.Equal(t, []string{"-ERR line too long"}, got)
	require.LessOrEqual(t, src.read, lineproto.MaxLineLength+64<<10,
		"Handle read %d bytes of a line that was too long after %d: read lines with NewReader(conn, MaxLineLength)", src.read, lineproto.MaxLineLength)
}

// guarded wraps Handle's end of a pipe inside a bubble. A wrong Handle that
// keeps reading or writing after errors would spin for ever and hang the
// bubble; guarded ends its goroutine instead (runtime.Goexit) and says so.
type guarded struct {
	net.Conn
	errs atomic.Int32
	spun atomic.Bool
}

func (g *guarded) Read(p []byte) (int, error) {
	n, err := g.Conn.Read(p)
	g.check(err)
	return n, err
}

func (g *guarded) Write(p []byte) (int, error) {
	n, err := g.Conn.Write(p)
	g.check(err)
	return n, err
}

func (g *guarded) check(err error) {
	if err != nil && g.errs.Add(1) > 1000 {
		g.spun.Store(true)
		runtime.Goexit()
	}
}

// handlePipe runs Handle inside the current bubble on one end of a pipe and
// returns the other end and Handle's result. When the test ends the client's
// end is closed and Handle must return.
func handlePipe(t *testing.T) (client net.Conn, handled <-chan error, g *guarded) {
	client, server := net.Pipe()
	g = &guarded{Conn: server}
	result := make(chan error, 1)
	go func() { result <- lineproto.Handle(g) }()
	t.Cleanup(func() {
		client.Close()
		server.Close()
		require.False(t, g.spun.Load(), "Handle kept reading or writing after its conn failed or closed: a busy loop\n"+
			"hint: return on any error from ReadLine or Flush")
	})
	return client, result, g
}

// result waits a little (fake time) for Handle's result, for a message.
func result(handled <-chan error) any {
	select {
	case err := <-handled:
		return err
	case <-time.After(time.Second):
		return "none yet"
	}
}

// Replies must reach the client before Handle waits for the next line: the
// client waits for them. Catches a Flush forgotten until Handle returns.
func TestHandleRepliesBeforeWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		client, handled, _ := handlePipe(t)
		client.SetDeadline(time.Now().Add(10 * time.Second)) // fake time: free; well within IdleTimeout
		r := bufio.NewReader(client)
		for _, step := range []struct {
			send string
			want []string
		}{
			{"PING\r\n", []string{"+PONG"}},
			{"SET k v\r\n", []string{"+OK"}},
			{"GET k\r\nECHO two at once\r\n", []string{"+v", "+two at once"}},
			{"QUIT\r\n", []string{"+BYE"}},
		} {
			sent := make(chan error, 1)
			go func() { // net.Pipe has no buffer: write while reading
				_, err := io.WriteString(client, step.send)
				sent <- err
			}()
			for _, want := range step.want {
				got, err := r.ReadString('\n')
				if errors.Is(err, io.EOF) {
					t.Fatalf("the client sent %q and Handle hung up instead of replying %q (Handle's result: %v)", step.send, want, result(handled))
				}
				require.NoError(t, err, "the client sent %q and waited 10 s for %q; nothing came\n"+
					"hint: bufio.Writer keeps replies in memory until Flush — flush before waiting for the next line", step.send, want)
				require.Equal(t, want+"\r\n", got, "the reply to %q", step.send)
			}
			require.NoError(t, <-sent, "the client could not send %q", step.send)
		}
		_, err := r.ReadString('\n')
		require.ErrorIs(t, err, io.EOF, "after +BYE Handle must close the connection")
		select {
		case err := <-handled:
			require.NoError(t, err, "Handle's result after QUIT")
		case <-time.After(time.Minute):
			t.Fatal("Handle did not return after QUIT")
		}
	})
}

// A client that stalls must not hold a connection and its goroutine for
// ever: Handle gives up after IdleTimeout.
func TestHandleIdleTimeout(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client func(ctx context.Context, c net.Conn)
		hint   string
	}{
		{"a silent client", func(context.Context, net.Conn) {},
			"conn.SetReadDeadline(time.Now().Add(IdleTimeout)) before each ReadLine"},
		{"half a line, then silence", func(_ context.Context, c net.Conn) { io.WriteString(c, "PI") },
			"conn.SetReadDeadline(time.Now().Add(IdleTimeout)) before each ReadLine"},
		{"one byte every 10 s, never a whole line", func(ctx context.Context, c net.Conn) {
			for {
				if _, err := c.Write([]byte("P")); err != nil {
					return
				}
				select {
				case <-time.After(10 * time.Second):
				case <-ctx.Done(): // the test is over
					return
				}
			}
		}, "a deadline renewed on every Read never expires for a client that drips bytes; set one deadline per line"},
		{"a client that never reads its replies", func(_ context.Context, c net.Conn) {
			for {
				if _, err := io.WriteString(c, "PING\r\nPING\r\nPING\r\n"); err != nil {
					return
				}
			}
		}, "a Flush to a client that does not read blocks once the buffers are full: conn.SetDeadline (reads and writes) before each line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, handled, _ := handlePipe(t)
				start := time.Now()
				go tc.client(t.Context(), client) // ends when the conn closes or the test ends
				select {
				case err := <-handled:
					if waited := time.Since(start); waited < lineproto.IdleTimeout {
						t.Fatalf("Handle returned after %v (with error: %v); it must wait for the client for IdleTimeout (%v)", waited, err, lineproto.IdleTimeout)
					}
					require.ErrorIs(t, err, os.ErrDeadlineExceeded, "Handle gave up, as it should; it must say why: return the deadline's error")
				case <-time.After(2 * lineproto.IdleTimeout):
					t.Fatalf("Handle was still waiting %v after the client stalled (IdleTimeout is %v)\nhint: %s", 2*lineproto.IdleTimeout, lineproto.IdleTimeout, tc.hint)
				}
			})
		})
	}
}

func FuzzReadLine(f *testing.F) {
	for _, s := range []string{
		"PING\r\nECHO hi\r\nSET k v\r\nGET k\r\nQUIT",
		"PING\nECHO  a b \n\n",
		"PI\rNG\r\nECHO a\r\r\n\r",
		strings.Repeat("x", 40) + "\r\nPING\r\n",
		"SET k \r\nGET k\r\nGET  k\r\nSET  k v\r\n",
		"\r", "\n", "\r\r\n", "héllo\r\n",
	} {
		f.Add(s, uint8(16))
	}
	f.Fuzz(func(t *testing.T, in string, m uint8) {
		max := int(m)%64 + 1
		want, wantTooLong := modelLines(in, max)
		for _, wrap := range []func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r },
			iotest.OneByteReader,
		} {
			got, err := readAll(lineproto.NewReader(wrap(strings.NewReader(in)), max))
			if wantTooLong {
				require.ErrorIs(t, err, lineproto.ErrLineTooLong, "ReadLine over %q, max %d", in, max)
			} else {
				require.ErrorIs(t, err, io.EOF, "ReadLine over %q, max %d", in, max)
			}
			require.Equal(t, want, got, "ReadLine over %q, max %d", in, max)
		}

		// Every line without CR or LF survives a trip through Writer and Reader.
		var buf bytes.Buffer
		w := lineproto.NewWriter(&buf)
		var sent []string
		for _, line := range want {
			if strings.ContainsAny(line, "\r\n") {
				require.ErrorIs(t, w.WriteLine(line), lineproto.ErrLineBreak)
				continue
			}
			require.NoError(t, w.WriteLine(line))
			sent = append(sent, line)
		}
		require.NoError(t, w.Flush())
		back, err := readAll(lineproto.NewReader(&buf, max))
		require.ErrorIs(t, err, io.EOF)
		require.Equal(t, sent, back, "lines written by Writer and read back by Reader")

		// ParseCommand loses nothing: a command joins back into its line.
		for _, line := range want {
			cmd, err := lineproto.ParseCommand(line)
			if err != nil {
				require.False(t, strings.ContainsAny(err.Error(), "\r\n"), "error text %q", err.Error())
				continue
			}
			require.Equal(t, line, strings.Join(append([]string{cmd.Name}, cmd.Args...), " "), "ParseCommand(%q) = %+v", line, cmd)
			require.NoError(t, lineproto.NewWriter(io.Discard).WriteLine(line), "a valid command can be sent")
		}
	})
}

// modelLines is ReadLine's specification as a few lines of code: split at
// LF, drop one CR before it (or at the very end), stop at a long line.
func modelLines(in string, max int) (lines []string, tooLong bool) {
	for in != "" {
		line, rest, _ := strings.Cut(in, "\n")
		line = strings.TrimSuffix(line, "\r")
		if len(line) > max {
			return lines, true
		}
		lines = append(lines, line)
		in = rest
	}
	return lines, false
}

// Each Write on a TCP conn is a system call: buffering many small replies
// into one Write is the difference between a few ns and a few µs a line.
func BenchmarkWrite(b *testing.B) {
	const reply = "+PONG"
	b.Run("unbuffered", func(b *testing.B) {
		conn := drainedConn(b)
		line := []byte(reply + "\r\n")
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := conn.Write(line); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, every := range []int{1, 64} {
		b.Run(fmt.Sprintf("buffered/flush-every-%d-lines", every), func(b *testing.B) {
			w := lineproto.NewWriter(drainedConn(b))
			b.SetBytes(int64(len(reply) + 2))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := w.WriteLine(reply); err != nil {
					b.Fatal(err)
				}
				if n++; n%every == 0 {
					if err := w.Flush(); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// drainedConn returns a loopback TCP conn whose peer reads and discards
// everything.
func drainedConn(b *testing.B) net.Conn {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	defer l.Close()
	conn, err := net.Dial("tcp", l.Addr().String())
	require.NoError(b, err)
	peer, err := l.Accept()
	require.NoError(b, err)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		defer peer.Close()
		io.Copy(io.Discard, peer)
	}()
	b.Cleanup(func() {
		conn.Close()
		<-drained
	})
	return conn
}
