package udp_test

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/udp"
)

// limit is the Receiver's largest datagram in these tests.
const limit = 512

// wait is the timeout the tests give a Receive or Request whose datagram is
// already on its way: on loopback it arrives in microseconds. It is shorter
// than koantest.Patience, so a call that ignores its timeout is told apart
// from one that honours it.
const wait = 2 * time.Second

// Hints shared by several tests.
const (
	hintBoundaries = "hint: UDP keeps message boundaries — one read returns exactly one datagram and one Write sends one; do not loop to fill a buffer, split, or add delimiters as you would on TCP"
	hintDeadline   = "hint: a lost datagram never arrives — SetReadDeadline(time.Now().Add(timeout)) before every read that waits; a deadline is a point in time, so renew it on every call"
	hintOversize   = "hint: Linux cuts a datagram to fit the buffer and reports no error — read into limit+1 bytes, and n > limit means it was too large"
	hintServe      = "hint: Serve must keep serving until Close — skip a datagram over the limit, carry on when a reply cannot be sent, and answer with WriteToUDPAddrPort to the address the read returned"
)

// listen returns a Receiver on a loopback port the kernel chose, closed when
// the test ends.
func listen(t *testing.T, limit int) *udp.Receiver {
	t.Helper()
	r, err := udp.Listen("127.0.0.1:0", limit)
	require.NoError(t, err, "Listen(%q, %d)", "127.0.0.1:0", limit)
	t.Cleanup(func() { r.Close() })
	return r
}

// dialRaw returns a plain UDP socket connected to addr, so receiver tests
// do not depend on the learner's Sender. Its reads fail after Patience.
func dialRaw(t *testing.T, addr netip.AddrPort) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	koantest.SetDeadline(t, c)
	return c
}

// listenRaw returns a plain unconnected UDP socket on loopback, so sender
// tests do not depend on the learner's Receiver. Its reads fail after
// Patience.
func listenRaw(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:0")))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	koantest.SetDeadline(t, c)
	return c
}

// addrOf returns a socket's own address.
func addrOf(c *net.UDPConn) netip.AddrPort {
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// receive calls r.Receive(timeout), and fails the test if it does not
// return within Patience. It copies the message, which Receive may reuse.
func receive(t *testing.T, r *udp.Receiver, timeout time.Duration) (msg []byte, from netip.AddrPort, err error) {
	t.Helper()
	koantest.Do(t, fmt.Sprintf("waiting for Receive(%v) to return\n%s", timeout, hintDeadline), func() {
		msg, from, err = r.Receive(timeout)
		msg = bytes.Clone(msg)
	})
	return msg, from, err
}

func TestListenRejectsBadLimit(t *testing.T) {
	for _, bad := range []int{-1, 0, 65536} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			r, err := udp.Listen("127.0.0.1:0", bad)
			if err == nil {
				r.Close()
			}
			require.Error(t, err, "Listen with limit %d must fail: a datagram carries 1 to 65535 bytes of payload (the UDP length field is 16 bits)", bad)
		})
	}
}

func TestReceiveKeepsMessageBoundaries(t *testing.T) {
	r := listen(t, limit)
	sender := dialRaw(t, r.Addr())
	msgs := []struct {
		name string
		msg  []byte
	}{
		{"a word", []byte("hello")},
		{"an empty datagram", []byte{}},
		{"two lines in one datagram", []byte("one\ntwo\n")},
		{"exactly the limit", bytes.Repeat([]byte("x"), limit)},
		{"a last byte", []byte("!")},
	}
	// All sent before the first Receive: they wait in the socket's queue,
	// each a datagram of its own.
	for _, m := range msgs {
		_, err := sender.Write(m.msg)
		require.NoError(t, err)
	}
	for i, m := range msgs {
		got, from, err := receive(t, r, wait)
		require.NoError(t, err, "datagram %d of %d (%s, %d bytes) was sent and is waiting; Receive must return it\n%s", i+1, len(msgs), m.name, len(m.msg), hintBoundaries)
		koantest.Same(t, m.msg, got, fmt.Sprintf("datagram %d of %d (%s): Receive must return exactly the datagram that was sent, no more, no less\n%s", i+1, len(msgs), m.name, hintBoundaries))
		require.Equal(t, addrOf(sender), from, "Receive must return the address the datagram came from\nhint: ReadFromUDPAddrPort returns it with each datagram")
	}
}

func TestReceiveRejectsOversize(t *testing.T) {
	for _, size := range []int{limit + 1, 4096, 60_000} {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			r := listen(t, limit)
			sender := dialRaw(t, r.Addr())
			_, err := sender.Write(bytes.Repeat([]byte("x"), size))
			require.NoError(t, err)
			_, err = sender.Write([]byte("next"))
			require.NoError(t, err)

			got, from, err := receive(t, r, wait)
			if err == nil {
				t.Fatalf("a %d-byte datagram sent to a Receiver with limit %d came back as %d bytes and no error: it was silently cut\n%s", size, limit, len(got), hintOversize)
			}
			require.ErrorIs(t, err, udp.ErrTooLarge, "a %d-byte datagram (limit %d) must fail with an error wrapping ErrTooLarge\n%s", size, limit, hintOversize)
			require.Equal(t, addrOf(sender), from, "with ErrTooLarge, Receive must still return who sent the datagram")

			got, _, err = receive(t, r, wait)
			require.NoError(t, err, "after the too-large datagram, %q was waiting", "next")
			require.Equal(t, "next", string(got), "after rejecting a too-large datagram, the next Receive must return the next datagram: the rejected one is consumed, whole\n%s", hintBoundaries)
		})
	}
}

func TestReceiveDeadline(t *testing.T) {
	r := listen(t, limit)
	const timeout = 50 * time.Millisecond
	for i := range 2 { // twice: each call waits its own timeout
		_, _, err := receive(t, r, timeout)
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "Receive(%v) #%d with no datagram coming must fail with an error wrapping os.ErrDeadlineExceeded\n%s", timeout, i+1, hintDeadline)
	}

	sender := dialRaw(t, r.Addr())
	_, err := sender.Write([]byte("late"))
	require.NoError(t, err)
	got, _, err := receive(t, r, wait)
	require.NoError(t, err, "a datagram was waiting and Receive(%v) failed: was an earlier call's deadline still set?\n%s", wait, hintDeadline)
	require.Equal(t, "late", string(got))
}

// server is a Serve running on its own goroutine.
type server struct {
	done chan struct{} // closed when Serve returns
	err  error         // what it returned; read after done
}

// serve runs r.Serve(reply) until the test ends, then closes r and waits for
// Serve to return.
func serve(t *testing.T, r *udp.Receiver, reply func([]byte) []byte) *server {
	t.Helper()
	s := &server{done: make(chan struct{})}
	go func() {
		s.err = r.Serve(reply)
		close(s.done)
	}()
	t.Cleanup(func() {
		r.Close()
		koantest.Recv(t, s.done, "waiting for Serve to return after Close\nhint: return when the read fails — after Close it fails with an error wrapping net.ErrClosed")
	})
	return s
}

// answer is the reply function of the Serve tests.
func answer(msg []byte) []byte { return append([]byte("re: "), msg...) }

// readReply reads one datagram on c, and fails at once if Serve returns
// while the test waits.
func readReply(t *testing.T, c *net.UDPConn, s *server, what string) string {
	t.Helper()
	type result struct {
		msg []byte
		err error
	}
	got := make(chan result, 1)
	go func() { // ends at c's deadline, or when the test closes c
		buf := make([]byte, 64<<10)
		n, err := c.Read(buf)
		got <- result{buf[:n], err}
	}()
	select {
	case res := <-got:
		require.NoError(t, res.err, "a client waited for %s and none came\n%s", what, hintServe)
		return string(res.msg)
	case <-s.done:
		t.Fatalf("Serve returned (error: %v) while a client waited for %s\n%s", s.err, what, hintServe)
		return ""
	}
}

// ask sends msg from c and reads the answer.
func ask(t *testing.T, c *net.UDPConn, s *server, msg string) string {
	t.Helper()
	_, err := c.Write([]byte(msg))
	require.NoError(t, err)
	what := fmt.Sprintf("the answer to %q", msg)
	if msg == "" {
		what += " (an empty datagram: a message too, and a read of 0 bytes with no error)"
	}
	return readReply(t, c, s, what)
}

func TestServeAnswersEachSender(t *testing.T) {
	r := listen(t, limit)
	s := serve(t, r, answer)
	alice := dialRaw(t, r.Addr())
	bob := dialRaw(t, r.Addr())

	require.Equal(t, "re: hello", ask(t, alice, s, "hello"), "Serve must send reply(msg) back as one datagram")
	require.Equal(t, "re: ", ask(t, alice, s, ""), "an empty datagram is a message too: it gets an answer")

	// Bob asks, and before reading his answer Alice asks again. Each answer
	// must go to the address its question came from.
	_, err := bob.Write([]byte("from bob"))
	require.NoError(t, err)
	got := ask(t, alice, s, "from alice")
	require.NotEqual(t, "re: from bob", got, "Alice (%v) received the answer to Bob's question: Serve answered the wrong address\nhint: each datagram may come from a different client — reply to the address ReadFromUDPAddrPort returned for this one", addrOf(alice))
	require.Equal(t, "re: from alice", got)
	got = readReply(t, bob, s, `the answer to "from bob"`)
	require.Equal(t, "re: from bob", got, "Bob (%v) must get the answer to his own question", addrOf(bob))
}

func TestServeDropsOversize(t *testing.T) {
	r := listen(t, limit)
	s := serve(t, r, answer)
	c := dialRaw(t, r.Addr())
	_, err := c.Write(bytes.Repeat([]byte("x"), limit+100))
	require.NoError(t, err)
	got := ask(t, c, s, "small")
	if strings.HasPrefix(got, "re: x") {
		t.Fatalf("Serve answered a %d-byte datagram cut to %d bytes (limit %d): a datagram over the limit must be dropped unanswered\n%s",
			limit+100, len(got)-len("re: "), limit, hintOversize)
	}
	require.Equal(t, "re: small", got)
}

// A Receive that timed out leaves its deadline on the socket; Serve waits
// without one.
func TestServeAfterReceive(t *testing.T) {
	r := listen(t, limit)
	received := make(chan error, 1)
	go func() { _, _, err := r.Receive(time.Millisecond); received <- err }()
	select {
	case err := <-received:
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "Receive(1ms) with nothing coming\n%s", hintDeadline)
	case <-time.After(wait): // unblocked by listen's cleanup
		t.Fatalf("Receive(1ms) had not returned after %v: fix TestReceiveDeadline first\n%s", wait, hintDeadline)
	}
	s := serve(t, r, answer)
	c := dialRaw(t, r.Addr())
	_, err := c.Write([]byte("still there"))
	require.NoError(t, err)
	const what = `the answer to "still there" after a Receive had timed out` +
		"\nhint: Serve waits without a deadline, but an expired one stays on the socket until you change it — SetReadDeadline(time.Time{}) clears it"
	require.Equal(t, "re: still there", readReply(t, c, s, what))
}

func TestServeReturnsWhenClosed(t *testing.T) {
	koantest.NoLeaks(t)
	r := listen(t, limit)
	served := make(chan error, 1)
	go func() { served <- r.Serve(answer) }()
	c := dialRaw(t, r.Addr())
	_, err := c.Write([]byte("ping"))
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	require.NoError(t, err, "no answer to %q\n%s", "ping", hintServe)
	require.Equal(t, "re: ping", string(buf[:n]))

	require.NoError(t, r.Close())
	err = koantest.Recv(t, served, "waiting for Serve to return after Close")
	require.ErrorIs(t, err, net.ErrClosed, "Serve must return the read's error; after Close it wraps net.ErrClosed")
}

// dial returns a Sender for addr, closed when the test ends.
func dial(t *testing.T, addr netip.AddrPort) *udp.Sender {
	t.Helper()
	s, err := udp.Dial(addr.String())
	require.NoError(t, err, "Dial(%q)", addr)
	t.Cleanup(func() { s.Close() })
	return s
}

// request calls s.Request(msg, timeout), and fails the test if it does not
// return within Patience.
func request(t *testing.T, s *udp.Sender, msg string, timeout time.Duration) (reply []byte, err error) {
	t.Helper()
	koantest.Do(t, fmt.Sprintf("waiting for Request(%q, %v) to return\n%s", msg, timeout, hintDeadline), func() {
		reply, err = s.Request([]byte(msg), timeout)
	})
	return reply, err
}

// fakeReceiver answers each datagram on rc with respond's datagrams, sent
// from rc or from another socket, until the test ends.
func fakeReceiver(t *testing.T, rc *net.UDPConn, respond func(n int, msg []byte, from netip.AddrPort)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for i := 1; ; i++ {
			n, from, err := rc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return // closed, or Patience passed
			}
			respond(i, buf[:n], from)
		}
	}()
	t.Cleanup(func() {
		rc.Close()
		<-done
	})
}

func TestSendKeepsMessageBoundaries(t *testing.T) {
	rc := listenRaw(t)
	s := dial(t, addrOf(rc))
	buf := make([]byte, 64<<10)
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"a word", []byte("hello")},
		{"an empty datagram", []byte{}},
		{"two lines in one datagram", []byte("one\ntwo\n")},
		{"1400 bytes", bytes.Repeat([]byte("a"), 1400)},
		{"60000 bytes", bytes.Repeat([]byte("b"), 60_000)},
		{"a last byte", []byte("!")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			koantest.Do(t, "waiting for Send to return", func() { err = s.Send(tc.msg) })
			require.NoError(t, err, "Send of %d bytes", len(tc.msg))
			n, _, err := rc.ReadFromUDPAddrPort(buf)
			require.NoError(t, err, "Send returned but the receiver got no datagram")
			koantest.Same(t, tc.msg, buf[:n], fmt.Sprintf("Send(%d bytes): the receiver must get it as exactly one datagram\n%s", len(tc.msg), hintBoundaries))
			// Nothing else may follow it: read with a short deadline.
			rc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			defer koantest.SetDeadline(t, rc)
			if n, _, err := rc.ReadFromUDPAddrPort(buf); err == nil {
				t.Fatalf("Send(%d bytes) sent a second datagram (%d bytes: %.40q) after the first: one message, one Write\n%s", len(tc.msg), n, buf[:n], hintBoundaries)
			}
		})
	}
}

func TestRequest(t *testing.T) {
	rc := listenRaw(t)
	forger := listenRaw(t) // another socket on another port: not the receiver
	fakeReceiver(t, rc, func(_ int, msg []byte, from netip.AddrPort) {
		// First a forged reply from the wrong port, then the real one.
		forger.WriteToUDPAddrPort([]byte("forged"), from)
		rc.WriteToUDPAddrPort(append([]byte("re: "), msg...), from)
	})
	s := dial(t, addrOf(rc))

	first, err := request(t, s, "one", wait)
	require.NoError(t, err, "Request(%q): the receiver answered", "one")
	require.NotEqual(t, "forged", string(first), "Request returned a datagram from %v, which is not the receiver (%v): anyone can send to your port\nhint: a connected socket (net.Dial(\"udp\", addr)) receives only from its peer; with an unconnected one, check the address each read returns", addrOf(forger), addrOf(rc))
	require.Equal(t, "re: one", string(first), "Request must return the reply, whole\n%s", hintBoundaries)

	second, err := request(t, s, "two", wait)
	require.NoError(t, err, "Request(%q)", "two")
	require.Equal(t, "re: two", string(second), "Request must return the reply to this request, whole\n%s", hintBoundaries)
	require.Equal(t, "re: one", string(first), "the first reply changed when the second arrived: Request must return a new slice the caller may keep\nhint: bytes.Clone(buf[:n]) — the read buffer is reused")
}

func TestRequestDeadline(t *testing.T) {
	rc := listenRaw(t)
	fakeReceiver(t, rc, func(i int, msg []byte, from netip.AddrPort) {
		if i == 1 {
			return // the first request is lost
		}
		rc.WriteToUDPAddrPort(append([]byte("re: "), msg...), from)
	})
	s := dial(t, addrOf(rc))

	const timeout = 50 * time.Millisecond
	_, err := request(t, s, "lost", timeout)
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "the request was lost: Request(%q, %v) must fail with an error wrapping os.ErrDeadlineExceeded\n%s", "lost", timeout, hintDeadline)

	got, err := request(t, s, "again", wait)
	require.NoError(t, err, "the second request was answered and Request(%q, %v) failed: was the first call's deadline still set?\n%s", "again", wait, hintDeadline)
	require.Equal(t, "re: again", string(got))
}

// One request and its reply per iteration, over loopback. The cost per
// datagram (two syscalls and a wake-up each way) hardly depends on its size,
// so MB/s grows with the datagram: batch small messages where you can. Past
// the path MTU (1472 bytes of payload on Ethernet) a real network fragments
// the datagram, and one lost fragment loses all of it.
func BenchmarkRequest(b *testing.B) {
	r, err := udp.Listen("127.0.0.1:0", 65535)
	require.NoError(b, err)
	served := make(chan error, 1)
	go func() { served <- r.Serve(func(msg []byte) []byte { return msg }) }()
	defer func() { r.Close(); <-served }()

	for _, size := range []int{64, 1472, 16 << 10} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			s, err := udp.Dial(r.Addr().String())
			require.NoError(b, err)
			defer s.Close()
			msg := bytes.Repeat([]byte("x"), size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				got, err := s.Request(msg, koantest.Patience)
				if err != nil || len(got) != size {
					b.Fatalf("Request: got %d bytes, %v", len(got), err)
				}
			}
		})
	}
}
