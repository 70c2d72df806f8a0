//go:build solutions

// Package deadlines is the reference answer to the phase1/deadlines koan.
package deadlines

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

const (
	// DefaultIdleTimeout is the idle timeout of a Server whose IdleTimeout
	// is zero.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultWriteTimeout is the write timeout of a Server whose
	// WriteTimeout is zero.
	DefaultWriteTimeout = 10 * time.Second
	// MaxLine is the longest line a Server accepts, '\n' included.
	MaxLine = 4096
	// Goodbye is the last line a Server writes to a client it hangs up on
	// for being idle.
	Goodbye = "bye: idle timeout\n"
)

// Server is a line echo server that hangs up on idle and slow clients. The
// zero value is ready to use, with the default timeouts.
type Server struct {
	// IdleTimeout is how long the server waits for each line: a client must
	// send a whole line within IdleTimeout of connecting or of the server's
	// reply to its previous line. Each line it sends restarts the clock.
	// Zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// WriteTimeout is how long each write to the client may take: a client
	// that stops reading is hung up on after WriteTimeout. Zero means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
}

// Serve accepts connections on l and serves each with ServeConn on its own
// goroutine, until Accept fails. It returns the error that stopped it: one
// wrapping net.ErrClosed after l.Close.
func (s *Server) Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		// ServeConn closes conn on every path, and its deadlines bound how
		// long it can live: no goroutine here outlives its client by more
		// than IdleTimeout + WriteTimeout.
		go s.ServeConn(conn)
	}
}

// errLineTooLong ends a connection whose client sent more than MaxLine
// bytes without a '\n'.
var errLineTooLong = fmt.Errorf("deadlines: line longer than %d bytes", MaxLine)

// ServeConn echoes each line conn sends ('\n'-terminated, at most MaxLine
// bytes) back to it, until the client hangs up or the server does:
//
//   - when no whole line has arrived IdleTimeout after the connection
//     started or after the previous reply, ServeConn writes Goodbye (within
//     WriteTimeout) and returns nil, or the error that write got;
//   - when the client closes its side (EOF), it returns nil;
//   - when a reply cannot be written within WriteTimeout, it returns the
//     write's error, for which errors.Is(err, os.ErrDeadlineExceeded) holds;
//   - when a line is longer than MaxLine, it returns a non-nil error
//     without echoing any of it;
//   - on any other read or write error, it returns that error.
//
// It always closes conn before returning.
func (s *Server) ServeConn(conn net.Conn) error {
	defer conn.Close()
	idle, writeTimeout := s.timeouts()
	// The buffer is the line limit: ReadSlice returns ErrBufferFull rather
	// than grow it, so a client cannot stream an endless line into memory.
	r := bufio.NewReaderSize(conn, MaxLine)
	for {
		// Before each line, not each Read: a client trickling a byte at a
		// time must still finish its line within idle. Resetting it here,
		// after every reply, is what makes activity keep the conn alive.
		if err := conn.SetReadDeadline(time.Now().Add(idle)); err != nil {
			return err
		}
		line, err := r.ReadSlice('\n')
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			// The client was idle. A deadline error leaves the conn usable,
			// and only the read deadline has passed: the goodbye gets a
			// write deadline of its own.
			return writeWithin(conn, writeTimeout, []byte(Goodbye))
		case errors.Is(err, io.EOF):
			// The client hung up: the normal end. A last line without '\n'
			// is incomplete, so it is not echoed.
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			return errLineTooLong
		default:
			return err
		}
		// line aliases r's buffer; it is written before the next read.
		if err := writeWithin(conn, writeTimeout, line); err != nil {
			return err
		}
	}
}

// writeWithin writes p to conn, giving up after d: a client that does not
// read must not hold the server's goroutine forever.
func writeWithin(conn net.Conn, d time.Duration, p []byte) error {
	if err := conn.SetWriteDeadline(time.Now().Add(d)); err != nil {
		return err
	}
	_, err := conn.Write(p)
	return err
}

// timeouts returns s's timeouts with the zero values replaced by the
// defaults: a zero Server must not let idle clients stay forever.
func (s *Server) timeouts() (idle, write time.Duration) {
	idle, write = s.IdleTimeout, s.WriteTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	if write <= 0 {
		write = DefaultWriteTimeout
	}
	return idle, write
}
