// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package gracefultcp

import (
	"context"
	"errors"
	"net"

	"github.com/netkoans/netkoans/internal/todo"
)

// ErrServerClosed is returned by Serve after a call to Shutdown or Close.
var ErrServerClosed = errors.New("gracefultcp: server closed")

// Server serves TCP connections, each on its own goroutine, and shuts down
// gracefully: Shutdown stops accepting at once and waits for the
// connections in flight to finish; Close ends everything now.
//
// The zero value, with Handler set, is ready to use. A Server must not be
// copied after first use, and once shut down or closed it stays closed.
type Server struct {
	// Handler serves one connection, on a goroutine of its own. The server
	// closes conn after Handler returns. ctx is cancelled when the server
	// closes conn by force (Close, or Shutdown after its ctx expired): work
	// that does not read or write conn should watch it.
	Handler func(ctx context.Context, conn net.Conn)

	// Add what else you need: a mutex, the listeners and connections in
	// use, a way to wait for the connections to finish, ...
}

// Serve accepts connections on l and runs Handler on each, on its own
// goroutine. It may be called on several listeners at once. Serve always
// closes l before returning. After Shutdown or Close it returns
// ErrServerClosed (at once, if called after them); otherwise it returns the
// error from Accept that stopped it, such as one wrapping net.ErrClosed when
// l was closed by its owner.
func (s *Server) Serve(l net.Listener) error {
	return todo.Err
}

// Shutdown shuts the server down gracefully. It closes every listener at
// once, so that Serve returns ErrServerClosed and no new connection is
// accepted; then it waits for every running Handler to return. It returns
// nil once they all have (or any error from closing the listeners). If ctx
// is done first, Shutdown closes the remaining connections by force, as
// Close does, and returns ctx.Err() without waiting any longer.
func (s *Server) Shutdown(ctx context.Context) error {
	return todo.Err
}

// Close closes every listener and every connection now, and cancels the
// ctx of every running Handler. It does not wait for Handlers to return.
// It returns any error from closing the listeners.
func (s *Server) Close() error {
	return todo.Err
}
