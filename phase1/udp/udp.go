// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package udp

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
)

// ErrTooLarge is the error (wrapped or not) that Receive returns for a
// datagram longer than the Receiver's limit.
var ErrTooLarge = errors.New("udp: datagram larger than the receiver's limit")

// Receiver reads datagrams of at most limit bytes on one unconnected UDP
// socket, from any sender. It is not safe for concurrent use.
type Receiver struct {
	conn *net.UDPConn
	// Add what else you need.
}

// Listen opens a UDP socket on addr ("127.0.0.1:0" lets the kernel choose
// the port) for datagrams of at most limit bytes, 1 to 65535.
func Listen(addr string, limit int) (*Receiver, error) {
	return nil, todo.Err
}

// Addr returns the address the Receiver listens on.
func (r *Receiver) Addr() netip.AddrPort {
	return r.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Receive waits at most timeout for one datagram and returns it, whole, with
// the address it came from. The returned bytes are valid until the next
// Receive or Serve.
//
// When no datagram arrives in time, the error wraps os.ErrDeadlineExceeded;
// every call waits its own timeout. A datagram longer than the limit is
// consumed and rejected: the error wraps ErrTooLarge, and the sender's
// address is returned with it.
func (r *Receiver) Receive(timeout time.Duration) ([]byte, netip.AddrPort, error) {
	return nil, netip.AddrPort{}, todo.Err
}

// Serve answers every datagram that arrives, sending reply(msg) as one
// datagram back to the address msg came from, until the Receiver is closed.
// It waits without a deadline. A datagram longer than the limit is dropped
// unanswered, and Serve goes on. reply must not keep msg after it returns.
//
// Serve returns the error that stopped it: one wrapping net.ErrClosed after
// Close.
func (r *Receiver) Serve(reply func(msg []byte) []byte) error {
	return todo.Err
}

// Close closes the socket; a Receive or Serve in progress returns.
func (r *Receiver) Close() error {
	return r.conn.Close()
}

// Sender sends datagrams to one receiver and accepts datagrams from that
// receiver only. It is not safe for concurrent use.
type Sender struct {
	conn *net.UDPConn
	// Add what else you need.
}

// Dial returns a Sender for the receiver at addr ("host:port").
func Dial(addr string) (*Sender, error) {
	return nil, todo.Err
}

// Send sends msg as exactly one datagram.
func (s *Sender) Send(msg []byte) error {
	return todo.Err
}

// Request sends msg as one datagram and returns the next datagram that comes
// back from the receiver (any size up to 65535 bytes), in a new slice the
// caller may keep. A datagram from any other address is not a reply. When no
// reply arrives within timeout, the error wraps os.ErrDeadlineExceeded; every
// call waits its own timeout.
func (s *Sender) Request(msg []byte, timeout time.Duration) ([]byte, error) {
	return nil, todo.Err
}

// Close closes the socket.
func (s *Sender) Close() error {
	return s.conn.Close()
}
