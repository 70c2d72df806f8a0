// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package deadlines

import (
	"net"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
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
	return todo.Err
}

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
	conn.Close() // for now, it hangs up at once
	return todo.Err
}
