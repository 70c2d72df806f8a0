//go:build solutions

// Package gracefultcp is the reference answer to the phase1/gracefultcp koan.
package gracefultcp

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
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

	mu        sync.Mutex
	closing   bool                       // Shutdown or Close was called: refuse new listeners and conns
	listeners map[*net.Listener]struct{} // listeners of running Serve calls
	conns     map[net.Conn]struct{}      // conns whose Handler is running
	done      chan struct{}              // closed when closing becomes true
	drained   chan struct{}              // closed when closing and conns is empty
	isDrained bool                       // drained is closed
	ctx       context.Context            // parent of every Handler's ctx
	cancel    context.CancelFunc         // cancels ctx: the forced close
}

// initLocked makes the zero Server usable. s.mu must be held.
func (s *Server) initLocked() {
	if s.listeners != nil {
		return
	}
	s.listeners = make(map[*net.Listener]struct{})
	s.conns = make(map[net.Conn]struct{})
	s.done = make(chan struct{})
	s.drained = make(chan struct{})
	s.ctx, s.cancel = context.WithCancel(context.Background())
}

// Serve accepts connections on l and runs Handler on each, on its own
// goroutine. It may be called on several listeners at once. Serve always
// closes l before returning. After Shutdown or Close it returns
// ErrServerClosed (at once, if called after them); otherwise it returns the
// error from Accept that stopped it, such as one wrapping net.ErrClosed when
// l was closed by its owner.
func (s *Server) Serve(l net.Listener) error {
	defer l.Close()
	// A pointer, not the interface, is the map key: some listener types
	// are not comparable, and keying by them would panic.
	if !s.trackListener(&l) {
		return ErrServerClosed
	}
	defer s.untrackListener(&l)

	var delay time.Duration // back-off after a temporary Accept failure
	for {
		conn, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				// Shutdown or Close closed l: the expected way out.
				return ErrServerClosed
			}
			if outOfResources(err) {
				// Out of file descriptors (or kernel buffers) is
				// temporary: closing conns frees them. Returning would
				// turn a burst of load into an outage, and retrying at
				// once would burn a CPU; back off as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				if !s.sleep(delay) {
					return ErrServerClosed
				}
				continue
			}
			return err
		}
		delay = 0
		// Tracking happens under the same lock that Shutdown takes to set
		// closing: a conn is either counted before Shutdown looks, or
		// refused here. Without it a conn accepted as Shutdown begins
		// could be served after Shutdown has reported "drained".
		ctx, ok := s.trackConn(conn)
		if !ok {
			conn.Close()
			return ErrServerClosed
		}
		// One goroutine per connection, so that one slow client never
		// holds up the accept loop or the other clients.
		go s.serve(ctx, conn)
	}
}

// serve runs the Handler on conn, then closes conn and forgets it.
func (s *Server) serve(ctx context.Context, conn net.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel() // release the ctx's resources
		conn.Close()
		s.mu.Lock()
		delete(s.conns, conn)
		s.checkDrainedLocked()
		s.mu.Unlock()
	}()
	s.Handler(ctx, conn)
}

// Shutdown shuts the server down gracefully. It closes every listener at
// once, so that Serve returns ErrServerClosed and no new connection is
// accepted; then it waits for every running Handler to return. It returns
// nil once they all have (or any error from closing the listeners). If ctx
// is done first, Shutdown closes the remaining connections by force, as
// Close does, and returns ctx.Err() without waiting any longer.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.startClosingLocked()
	err := s.closeListenersLocked()
	s.checkDrainedLocked() // no conns at all: drained already
	drained := s.drained
	s.mu.Unlock()

	// A channel, not a sync.WaitGroup: Wait cannot be abandoned when ctx
	// expires, and a select can. (Nor a busy loop polling a counter: it
	// burns a CPU, and inside a synctest bubble time would never move.)
	select {
	case <-drained:
		return err
	case <-ctx.Done():
		// Graceful has run out of time. Close unblocks Handlers stuck on
		// their conns and cancels the rest; do not wait for them again:
		// a Handler that ignores both would keep Shutdown forever.
		s.Close()
		return ctx.Err()
	}
}

// Close closes every listener and every connection now, and cancels the
// ctx of every running Handler. It does not wait for Handlers to return.
// It returns any error from closing the listeners.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startClosingLocked()
	err := s.closeListenersLocked()
	for conn := range s.conns {
		// Closing unblocks a Handler's Read or Write with an error; the
		// Handler's goroutine removes conn from the map when it returns.
		conn.Close()
	}
	s.cancel()
	return err
}

// startClosingLocked marks the server closing. s.mu must be held.
func (s *Server) startClosingLocked() {
	s.initLocked()
	if !s.closing {
		s.closing = true
		close(s.done)
	}
}

// closeListenersLocked closes every listener of a running Serve. Each Serve
// then sees closing and returns ErrServerClosed. s.mu must be held.
func (s *Server) closeListenersLocked() error {
	var err error
	for l := range s.listeners {
		if cerr := (*l).Close(); cerr != nil && err == nil {
			err = cerr
		}
		delete(s.listeners, l)
	}
	return err
}

// checkDrainedLocked closes drained once the server is closing and no
// Handler is running. s.mu must be held.
func (s *Server) checkDrainedLocked() {
	if s.closing && len(s.conns) == 0 && !s.isDrained {
		s.isDrained = true
		close(s.drained)
	}
}

func (s *Server) trackListener(l *net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	if s.closing {
		return false
	}
	s.listeners[l] = struct{}{}
	return true
}

func (s *Server) untrackListener(l *net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, l)
}

// trackConn counts conn as in flight and returns the ctx for its Handler,
// or reports false if the server is closing.
func (s *Server) trackConn(conn net.Conn) (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, false
	}
	s.conns[conn] = struct{}{}
	return s.ctx, true
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// sleep waits for d, or until the server starts closing; it reports
// whether the server is still open.
func (s *Server) sleep(d time.Duration) bool {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

// outOfResources reports Accept errors that pass once connections close.
func outOfResources(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
