// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package lineproto

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
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
	r   io.Reader
	max int
	// Add what else you need.
}

// NewReader returns a Reader of lines of at most maxLine bytes (line ending
// not counted) from r. maxLine must be positive.
func NewReader(r io.Reader, maxLine int) *Reader {
	return &Reader{r: r, max: maxLine}
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
	return "", todo.Err
}

// Writer writes lines, each ended by CRLF, through a buffer.
type Writer struct {
	w io.Writer
	// Add what else you need.
}

// NewWriter returns a Writer that buffers lines for w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w}
}

// WriteLine adds line and CRLF to the buffer. Nothing reaches the
// underlying writer until Flush, or until the buffer (at least 4 KiB)
// fills. A line that holds CR or LF would end early on the peer's side and
// smuggle in a line of its own: WriteLine returns ErrLineBreak instead, and
// writes nothing.
func (w *Writer) WriteLine(line string) error {
	return todo.Err
}

// Flush writes the buffered lines to the underlying writer and returns its
// error, if any.
func (w *Writer) Flush() error {
	return todo.Err
}

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
	return Command{}, todo.Err
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
	conn.Close() // for now, it just hangs up
	return todo.Err
}
