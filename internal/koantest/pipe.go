package koantest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// A real socket inside a synctest bubble hangs the bubble: a goroutine
// blocked on network I/O is not "durably blocked", so fake time never moves.
// PipeListener is the bubble-safe stand-in: a net.Listener whose connections
// are net.Pipe pairs, so http.Server and http.Client (or any TCP code) run
// inside synctest.Test and timeouts of hours cost no real time.
//
// Unlike bare net.Pipe, its conns carry real-looking TCP addresses (the
// listener's 127.0.0.1:port on one side, a distinct 127.0.0.1:port per dial on
// the other), so code that reads RemoteAddr — X-Forwarded-For, per-client rate
// limits — sees what it would see on loopback.
//
// Every PipeListener is reachable by its address through DialPipe, which is
// how an http.Transport (see PipeClient) or a proxy finds one of several
// backends inside a bubble.
type PipeListener struct {
	addr    *net.TCPAddr
	backlog chan net.Conn // dialled conns waiting for Accept, like a kernel's accept queue
	done    chan struct{} // closed by Close; channels, not a mutex, block Accept, so a bubble can idle

	mu     sync.Mutex // guards closed against Dial queueing onto a closed listener
	closed bool
}

// pipeBacklog is how many dialled conns may wait for Accept before Dial is
// refused, as a full kernel accept queue would refuse them.
const pipeBacklog = 512

var (
	pipeListeners sync.Map     // address string -> *PipeListener
	pipePorts     atomic.Int32 // next fake port, unique within the test binary
)

func nextPipeAddr() *net.TCPAddr {
	port := 10000 + pipePorts.Add(1)%50000
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port)))
}

// ListenPipe returns a new PipeListener, closed when the test ends. Inside a
// bubble, create it inside the bubble.
func ListenPipe(t testing.TB) *PipeListener {
	l := &PipeListener{
		addr:    nextPipeAddr(),
		backlog: make(chan net.Conn, pipeBacklog),
		done:    make(chan struct{}),
	}
	pipeListeners.Store(l.addr.String(), l)
	t.Cleanup(func() { l.Close() })
	return l
}

// Accept waits for and returns the next dialled connection.
func (l *PipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.backlog:
		return c, nil
	case <-l.done:
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.addr, Err: net.ErrClosed}
	}
}

// Close stops the listener. Conns dialled but not yet accepted are closed, so
// their clients read EOF, as they would after a reset.
func (l *PipeListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return &net.OpError{Op: "close", Net: "tcp", Addr: l.addr, Err: net.ErrClosed}
	}
	l.closed = true
	pipeListeners.Delete(l.addr.String())
	close(l.done)
	for {
		select {
		case c := <-l.backlog:
			c.Close()
		default:
			return nil
		}
	}
}

// Addr returns the listener's fake TCP address, 127.0.0.1:port.
func (l *PipeListener) Addr() net.Addr { return l.addr }

// URL returns "http://" + the listener's address, for requests sent through
// PipeClient.
func (l *PipeListener) URL() string { return "http://" + l.addr.String() }

// Dial connects to the listener. Like TCP it succeeds before Accept: the
// server side waits in the backlog. It fails with ECONNREFUSED once the
// listener is closed or its backlog is full.
func (l *PipeListener) Dial() (net.Conn, error) {
	server, client := net.Pipe()
	clientAddr := nextPipeAddr()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		select {
		case l.backlog <- &pipeConn{Conn: server, local: l.addr, remote: clientAddr}:
			return &pipeConn{Conn: client, local: clientAddr, remote: l.addr}, nil
		default: // backlog full
		}
	}
	server.Close()
	client.Close()
	return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: l.addr, Err: syscall.ECONNREFUSED}
}

// DialPipe connects to the PipeListener listening on address. Its signature
// is http.Transport.DialContext's and net.Dialer.DialContext's, so it drops in
// wherever code under test dials. An address with no listener is refused.
func DialPipe(ctx context.Context, network, address string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l, ok := pipeListeners.Load(address)
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%w (no pipe listener at %s)", syscall.ECONNREFUSED, address)}
	}
	return l.(*PipeListener).Dial()
}

// PipeClient returns an http.Client whose transport dials pipe listeners by
// the host:port of the request URL (see PipeListener.URL). Its idle
// connections are closed when the test ends, as a bubble requires.
func PipeClient(t testing.TB) *http.Client {
	tr := &http.Transport{DialContext: DialPipe}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// pipeConn is a net.Pipe end with TCP-looking addresses.
type pipeConn struct {
	net.Conn
	local, remote net.Addr
}

func (c *pipeConn) LocalAddr() net.Addr  { return c.local }
func (c *pipeConn) RemoteAddr() net.Addr { return c.remote }

// ServePipe runs srv on a new PipeListener and returns the listener; reach it
// with PipeClient and l.URL(). srv is closed when the test ends, before the
// bubble does.
func ServePipe(t testing.TB, srv *http.Server) *PipeListener {
	l := ListenPipe(t)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l
}
