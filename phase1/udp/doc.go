// Package udp is a koan about datagrams: a UDP receiver that answers each
// sender, and a sender that waits for the answer.
//
// # The lesson
//
// UDP carries messages, not a stream. Each Write on a UDP socket sends one
// datagram, and each read returns exactly one datagram, whole: never half of
// one, never two glued together. The boundaries TCP makes you rebuild with
// newlines or length prefixes come for free — so do not add them, and do not
// loop a read "until the buffer is full" as you would on TCP: that is one
// read, one message. An empty datagram is a message too (a read of 0 bytes,
// no error).
//
// The price is that nothing is promised: a datagram may be lost, duplicated
// or reordered, and nobody will tell you. A read that waits for an answer
// must therefore have a deadline, or one lost datagram blocks it forever.
// [net.Conn.SetReadDeadline] takes an absolute time, so set it before every
// read that waits (time.Now().Add(timeout)); a deadline that has passed fails
// every later read with an error wrapping [os.ErrDeadlineExceeded]. Retrying
// is the application's job (DNS resolvers resend after a few seconds).
//
// A receiver does not know its peer in advance. It listens on an
// unconnected socket ([net.ListenPacket] or [net.ListenUDP]); each read also
// tells it who sent the datagram ([net.UDPConn.ReadFromUDPAddrPort]), and the
// answer goes back to that address ([net.UDPConn.WriteToUDPAddrPort]). The
// next datagram may come from someone else. A sender, by contrast, usually
// talks to one peer: [net.Dial] with "udp" gives a connected socket whose
// Write needs no address, and the kernel then drops datagrams from anyone
// but that peer — a forged "reply" from another port never reaches Read.
//
// A datagram larger than the read buffer does not fail loudly. On Linux and
// the BSDs the kernel copies what fits, discards the rest and returns
// success: the message is silently cut. [net.UDPConn.ReadMsgUDP] reports the
// cut in its flags (syscall.MSG_TRUNC), but that constant does not exist on
// Windows, Plan 9 or wasm, and Windows fails the read instead (WSAEMSGSIZE).
// The portable check is one byte: read into a buffer of limit+1 bytes, and a
// read of more than limit bytes means the datagram was too large. Whatever
// the check, a too-large datagram is rejected, never answered as if the
// sender had sent only its first limit bytes. A payload can never exceed
// 65,535 bytes (the UDP length field is 16 bits), so a 64 KiB buffer holds
// any datagram.
//
// Addresses: this koan uses [net/netip.AddrPort], a small comparable value
// (a map key, no allocation), which Go has had since 1.18; [net.UDPAddr], a
// pointer with a slice inside, is still common in older code.
//
// # What to build
//
//   - Listen and Receiver.Receive: one datagram per call, its sender, a
//     deadline per call, ErrTooLarge for a datagram over the limit.
//   - Receiver.Serve: answer every datagram to the address it came from,
//     drop the oversize ones, stop when the Receiver is closed.
//   - Dial, Sender.Send and Sender.Request: one datagram per message; wait
//     for the reply from the receiver only, and only until the deadline.
//
// # Traps the tests will catch
//
//   - splitting or joining messages (TCP habits: pieces, delimiters, loops);
//   - a datagram over the limit silently cut to the limit and accepted;
//   - a read with no deadline, or a deadline set once and never renewed;
//   - answering the first client, or the peer of a connected socket,
//     instead of the sender of this datagram;
//   - a sender that takes a reply from anyone;
//   - one bad datagram stopping the server.
//
// Real servers also guard against amplification: a forged source address
// makes your answers hit a victim, so answer no more bytes than you were
// sent until the peer has proved its address (QUIC allows 3×).
//
// # Try it
//
// Serve an echo on a fixed port from a scratch main:
//
//	r, err := udp.Listen("127.0.0.1:7008", 1024)
//	if err != nil { log.Fatal(err) }
//	log.Fatal(r.Serve(func(msg []byte) []byte { return msg }))
//
// then type lines into `ncat -u 127.0.0.1 7008` (or `nc -u`): each line is
// one datagram, and comes back as one.
//
// Read: [net.ListenPacket], [net.Dial], [net.UDPConn.ReadFromUDPAddrPort],
// [net.UDPConn.WriteToUDPAddrPort], [net.UDPConn.ReadMsgUDP],
// [net.Conn.SetReadDeadline], [os.ErrDeadlineExceeded].
package udp
