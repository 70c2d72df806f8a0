//go:build solutions

// Package udp is the reference answer to the phase1/udp koan.
package udp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// ErrTooLarge is the error (wrapped or not) that Receive returns for a
// datagram longer than the Receiver's limit.
var ErrTooLarge = errors.New("udp: datagram larger than the receiver's limit")

// maxDatagram is the largest UDP payload there can be: the UDP length field
// is 16 bits (and IPv4 leaves 65,507 of them for data).
const maxDatagram = 65535

// Receiver reads datagrams of at most limit bytes on one unconnected UDP
// socket, from any sender. It is not safe for concurrent use.
type Receiver struct {
	conn  *net.UDPConn
	limit int
	// buf is one byte longer than limit: a datagram that fills it is too
	// large. Linux and the BSDs cut an oversize datagram to the buffer
	// without an error, so the spare byte is the portable way to see the
	// cut (syscall.MSG_TRUNC from ReadMsgUDP does not exist everywhere).
	buf []byte
}

// Listen opens a UDP socket on addr ("127.0.0.1:0" lets the kernel choose
// the port) for datagrams of at most limit bytes, 1 to 65535.
func Listen(addr string, limit int) (*Receiver, error) {
	if limit < 1 || limit > maxDatagram {
		return nil, fmt.Errorf("udp: limit %d out of range 1..%d", limit, maxDatagram)
	}
	// Unconnected: a receiver takes datagrams from anyone and learns each
	// sender's address from the read itself.
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	return &Receiver{conn: pc.(*net.UDPConn), limit: limit, buf: make([]byte, limit+1)}, nil
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
	// A deadline is a point in time, not a duration: set it on every call,
	// or the first one that passes fails every read after it.
	if err := r.conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return nil, netip.AddrPort{}, err
	}
	return r.read()
}

// read reads one datagram into r.buf and checks its size.
func (r *Receiver) read() ([]byte, netip.AddrPort, error) {
	// One read is one datagram, whole: never loop to "fill" the buffer.
	// The AddrPort form returns the sender as a value, without allocating.
	n, from, err := r.conn.ReadFromUDPAddrPort(r.buf)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	if n > r.limit {
		// The kernel has discarded the rest of it: what we hold is not the
		// message that was sent, so it must not be taken for one.
		return nil, from, fmt.Errorf("%w: more than %d bytes from %v", ErrTooLarge, r.limit, from)
	}
	return r.buf[:n], from, nil
}

// Serve answers every datagram that arrives, sending reply(msg) as one
// datagram back to the address msg came from, until the Receiver is closed.
// It waits without a deadline. A datagram longer than the limit is dropped
// unanswered, and Serve goes on. reply must not keep msg after it returns.
//
// Serve returns the error that stopped it: one wrapping net.ErrClosed after
// Close.
func (r *Receiver) Serve(reply func(msg []byte) []byte) error {
	// A server waits as long as it takes; clear any deadline a Receive left.
	if err := r.conn.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	for {
		msg, from, err := r.read()
		if errors.Is(err, ErrTooLarge) {
			// Input from the network is untrusted: one bad datagram costs
			// its sender an answer, not every other client their server.
			continue
		}
		if err != nil {
			return err
		}
		// The socket is unconnected, and each datagram may come from a
		// different client: answer the address this one came from.
		if _, err := r.conn.WriteToUDPAddrPort(reply(msg), from); err != nil {
			// A reply that cannot be sent (too large, no route) is that
			// client's loss; the server carries on. Delivery was never
			// promised anyway.
			continue
		}
	}
}

// Close closes the socket; a Receive or Serve in progress returns.
func (r *Receiver) Close() error {
	return r.conn.Close()
}

// Sender sends datagrams to one receiver and accepts datagrams from that
// receiver only. It is not safe for concurrent use.
type Sender struct {
	conn *net.UDPConn
	buf  []byte // holds any datagram, so a reply is never cut
}

// Dial returns a Sender for the receiver at addr ("host:port").
func Dial(addr string) (*Sender, error) {
	// A connected UDP socket: Write needs no address, and the kernel
	// delivers only datagrams whose source is addr, so a reply forged from
	// another port never reaches Read. (On Linux it also reports a closed
	// port: ICMP "port unreachable" makes the next Read fail with
	// ECONNREFUSED.)
	c, err := net.Dial("udp", addr)
	if err != nil {
		return nil, err
	}
	return &Sender{conn: c.(*net.UDPConn), buf: make([]byte, maxDatagram+1)}, nil
}

// Send sends msg as exactly one datagram.
func (s *Sender) Send(msg []byte) error {
	// One Write is one datagram. A message too large for UDP fails here
	// (EMSGSIZE) rather than being split: splitting would lose the boundary.
	_, err := s.conn.Write(msg)
	return err
}

// Request sends msg as one datagram and returns the next datagram that comes
// back from the receiver (any size up to 65535 bytes), in a new slice the
// caller may keep. A datagram from any other address is not a reply. When no
// reply arrives within timeout, the error wraps os.ErrDeadlineExceeded; every
// call waits its own timeout.
func (s *Sender) Request(msg []byte, timeout time.Duration) ([]byte, error) {
	if err := s.Send(msg); err != nil {
		return nil, err
	}
	// The request or its reply may be lost: without a deadline this read
	// would wait forever.
	if err := s.conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return nil, err
	}
	n, err := s.conn.Read(s.buf)
	if err != nil {
		return nil, err
	}
	// A reply that arrives after its request timed out would be taken for
	// the next request's; real protocols (DNS, QUIC) match replies to
	// requests by an ID in the message.
	return bytes.Clone(s.buf[:n]), nil
}

// Close closes the socket.
func (s *Sender) Close() error {
	return s.conn.Close()
}
