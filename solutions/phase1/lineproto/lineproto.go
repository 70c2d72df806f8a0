//go:build solutions

// Package lineproto is the reference answer to the phase1/lineproto koan.
package lineproto

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// MaxLineLength is the longest line Handle accepts, in bytes, not counting
// its line ending.
const MaxLineLength = 1024

// MaxKeys is how many keys one connection may SET.
const MaxKeys = 100

// IdleTimeout is how long Handle waits for a whole command line to arrive,
// and for the client to take Handle's replies.
const IdleTimeout = time.Minute

var (
	// ErrLineTooLong is wrapped by the error ReadLine returns for a line
	// longer than its limit.
	ErrLineTooLong = errors.New("lineproto: line too long")
	// ErrLineBreak is returned by WriteLine for a line that holds CR or LF.
	ErrLineBreak = errors.New("lineproto: CR or LF inside a line")
)

// Reader reads lines from a byte stream.
type Reader struct {
	br  *bufio.Reader
	max int
}

// NewReader returns a Reader of lines of at most maxLine bytes (line ending
// not counted) from r. maxLine must be positive.
func NewReader(r io.Reader, maxLine int) *Reader {
	// The buffer holds the longest line and its CRLF, so ReadSlice finds the
	// '\n' of any line that is not too long, and answers ErrBufferFull —
	// having read no more than the buffer — for one that is.
	return &Reader{br: bufio.NewReaderSize(r, maxLine+2), max: maxLine}
}

// ReadLine returns the next line without its line ending.
//
// A line ends at LF ("\n"); a CR just before that LF is part of the line
// ending (CRLF), any other CR is part of the line. The last line may end at
// the end of the input without LF (a CR at the very end is dropped then
// too); after it, or at once for empty input, ReadLine returns io.EOF. Each
// line is returned as soon as its LF has arrived.
//
// A line longer than maxLine bytes is an error wrapping ErrLineTooLong,
// returned without reading much more than maxLine bytes of it: a peer that
// never sends LF must not fill memory. Any other read error is returned as
// it is, without the partial line. After an error the Reader must not be
// used again.
func (r *Reader) ReadLine() (string, error) {
	// ReadSlice returns a view of the buffer: no allocation until the
	// string conversion, and no growth, unlike ReadString or ReadBytes.
	line, err := r.br.ReadSlice('\n')
	switch {
	case err == nil:
		line = line[:len(line)-1]
	case errors.Is(err, bufio.ErrBufferFull):
		return "", r.tooLong()
	case err == io.EOF:
		if len(line) == 0 {
			return "", io.EOF
		}
		// ReadSlice hands back the last line together with io.EOF: it is
		// a line like any other. The next call returns io.EOF alone.
	default:
		// A deadline or a reset mid-line: the line is incomplete, and
		// acting on half a command would be worse than failing.
		return "", err
	}
	line = bytes.TrimSuffix(line, []byte("\r")) // one CR, not all: "a\r\r\n" is "a\r"
	if len(line) > r.max {
		return "", r.tooLong()
	}
	return string(line), nil
}

func (r *Reader) tooLong() error {
	return fmt.Errorf("%w (the limit is %d bytes)", ErrLineTooLong, r.max)
}

// hasLine reports whether a whole line is already buffered, so that the
// next ReadLine will not block.
func (r *Reader) hasLine() bool {
	buffered, _ := r.br.Peek(r.br.Buffered()) // never blocks: only what is there
	return bytes.IndexByte(buffered, '\n') >= 0
}

// Writer writes lines, each ended by CRLF, through a buffer.
type Writer struct {
	bw *bufio.Writer
}

// NewWriter returns a Writer that buffers lines for w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriter(w)}
}

// WriteLine adds line and CRLF to the buffer. Nothing reaches the
// underlying writer until Flush, or until the buffer (at least 4 KiB)
// fills. A line that holds CR or LF would end early on the peer's side and
// smuggle in a line of its own: WriteLine returns ErrLineBreak instead, and
// writes nothing.
func (w *Writer) WriteLine(line string) error {
	if strings.ContainsAny(line, "\r\n") {
		return ErrLineBreak
	}
	// Two buffered writes cost two copies, not two syscalls; concatenating
	// first would allocate.
	if _, err := w.bw.WriteString(line); err != nil {
		return err
	}
	_, err := w.bw.WriteString("\r\n")
	return err
}

// Flush writes the buffered lines to the underlying writer and returns its
// error, if any.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Command is one request of the protocol.
type Command struct {
	Name string   // PING, ECHO, SET, GET or QUIT
	Args []string // ECHO: text; SET: key, value; GET: key; PING, QUIT: none
}

// ParseCommand parses one line (without its line ending) into a Command:
//
//	PING
//	ECHO <text>        text: the rest of the line, as it is (spaces too; may be empty)
//	SET <key> <value>  key: one word, not empty; value: the rest of the line, as it is
//	GET <key>
//	QUIT
//
// Words are separated by exactly one space, and names are upper case. An
// unknown name, a missing or extra argument, or a CR anywhere in the line (a
// bare CR ends lines for some peers) is an error, whose text is fit to send
// back as "-ERR <text>".
func ParseCommand(line string) (Command, error) {
	if strings.ContainsAny(line, "\r\n") {
		// Some peers end lines at a bare CR: accepting one here would let a
		// client smuggle a command past a proxy that does not.
		return Command{}, errors.New("CR or LF inside a line")
	}
	name, rest, hasArgs := strings.Cut(line, " ")
	switch name {
	case "PING", "QUIT":
		if hasArgs {
			return Command{}, fmt.Errorf("%s takes no argument", name)
		}
		return Command{Name: name}, nil
	case "ECHO":
		if !hasArgs {
			return Command{}, errors.New("ECHO needs a text")
		}
		return Command{Name: name, Args: []string{rest}}, nil
	case "SET":
		key, value, ok := strings.Cut(rest, " ")
		if !hasArgs || !ok || key == "" {
			return Command{}, errors.New("usage: SET <key> <value>")
		}
		return Command{Name: name, Args: []string{key, value}}, nil
	case "GET":
		if !hasArgs || rest == "" || strings.Contains(rest, " ") {
			return Command{}, errors.New("usage: GET <key>")
		}
		return Command{Name: name, Args: []string{rest}}, nil
	}
	// %q: the client's bytes go back quoted, never raw.
	return Command{}, fmt.Errorf("unknown command %q", name)
}

// Handle serves the command protocol on conn until the client sends QUIT or
// closes its side, then closes conn. It reads with a Reader of
// MaxLineLength, writes with a Writer, and answers every line, in order:
//
//	PING               +PONG
//	ECHO <text>        +<text>
//	SET <key> <value>  +OK, or -ERR when key is new and MaxKeys keys are set
//	GET <key>          +<value>, or -ERR when key is not set
//	QUIT               +BYE, then Handle closes conn
//	a bad line         -ERR <reason>, and Handle goes on
//	an over-long line  -ERR line too long, then Handle closes conn
//
// Each connection has its own keys. Replies to lines that came together may
// go out together, but every reply reaches the client before Handle waits
// for more input. Handle gives up, with an error, when a whole line takes
// longer than IdleTimeout to arrive or its replies longer than IdleTimeout
// to be taken.
//
// It returns nil after QUIT or when the client closes its side; an error
// wrapping ErrLineTooLong after an over-long line; otherwise the read or
// write error that ended it.
func Handle(conn net.Conn) error {
	defer conn.Close()
	r := NewReader(conn, MaxLineLength)
	w := NewWriter(conn)
	store := make(map[string]string)
	for {
		// One deadline per line, not per Read: a client dripping a byte
		// at a time must not hold the connection for ever. It also bounds
		// the writes below, should the client stop reading its replies.
		conn.SetDeadline(time.Now().Add(IdleTimeout))
		// Flush only before a read that could block: replies to pipelined
		// commands leave in one write (one syscall, maybe one packet), and
		// no reply is held back while the client waits for it.
		if !r.hasLine() {
			if err := w.Flush(); err != nil {
				return err
			}
		}
		line, err := r.ReadLine()
		switch {
		case err == io.EOF:
			return w.Flush() // already flushed above; kept for clarity
		case errors.Is(err, ErrLineTooLong):
			// The rest of that line is still on its way and the stream is
			// out of step: say why, then hang up.
			if werr := w.WriteLine("-ERR line too long"); werr == nil {
				w.Flush()
			}
			return err
		case err != nil:
			return err
		}
		reply, quit := do(store, line)
		if err := w.WriteLine(reply); err != nil {
			return err
		}
		if quit {
			// Flush before the deferred Close, or the goodbye is lost.
			return w.Flush()
		}
	}
}

// do runs one command line against store and returns the reply, and
// whether the client asked to quit.
func do(store map[string]string, line string) (reply string, quit bool) {
	cmd, err := ParseCommand(line)
	if err != nil {
		return "-ERR " + err.Error(), false
	}
	switch cmd.Name {
	case "PING":
		return "+PONG", false
	case "ECHO":
		return "+" + cmd.Args[0], false
	case "SET":
		key, value := cmd.Args[0], cmd.Args[1]
		if _, ok := store[key]; !ok && len(store) >= MaxKeys {
			// Without a bound, one client could fill the server's memory.
			return "-ERR too many keys", false
		}
		store[key] = value
		return "+OK", false
	case "GET":
		value, ok := store[cmd.Args[0]]
		if !ok {
			return "-ERR no such key", false
		}
		return "+" + value, false
	default: // QUIT
		return "+BYE", true
	}
}
