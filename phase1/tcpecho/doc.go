// Package tcpecho is the first koan: a TCP echo server and its client.
//
// # The lesson
//
// A TCP server is a loop around [net.Listener.Accept]. Each Accept returns
// one [net.Conn] — one client — and the server hands it to a goroutine of
// its own, so that a slow or idle client never holds up the others. Goroutines
// are cheap (a few KiB of stack); one per connection is the idiomatic Go
// design, and it is how [net/http] serves too. The loop ends when Accept
// fails: after [net.Listener.Close] it fails with an error wrapping
// [net.ErrClosed], and the server returns it.
//
// TCP carries a stream of bytes, not messages. The "hello\n" a client wrote
// in one call may arrive as "he" and "llo\n" in two reads, or together with
// the next line in one; a single Read returns whatever has arrived, at least
// one byte. Code that reads a line must keep reading until the '\n' — the
// job of [bufio.Reader.ReadString] — and code that echoes bytes can ignore
// lines altogether: [io.Copy] reads and writes until the end of the stream.
//
// The end of the stream is a Read that returns [io.EOF]: the client closed
// its sending side. It may have closed only that side —
// [net.TCPConn.CloseWrite], a half-close — and still be waiting to read the
// rest of the echo. So the server finishes writing what it read, then closes
// the connection; that close is what tells the client the echo is complete.
// A server that never closes leaves the client waiting forever, and a
// goroutine that outlives its client is a leak: memory, and a file
// descriptor, gone for good.
//
// # What to build
//
//   - Serve: the accept loop, a goroutine per connection.
//   - Handle: echo one connection until EOF, then close it.
//   - Dial, NewClient and Client.Echo: send a line, read back its echo —
//     however many reads that takes.
//
// # Traps the tests will catch
//
//   - serving clients one at a time (calling Handle without go);
//   - trusting a single Read to return a whole line;
//   - a Handle that keeps running — or keeps a helper goroutine — after its
//     client has gone;
//   - ignoring a half-close: never closing after EOF, or dropping the last
//     bytes because they did not end with '\n'.
//
// # Try it
//
// Run your server from a scratch main:
//
//	l, err := net.Listen("tcp", "127.0.0.1:7007")
//	if err != nil { log.Fatal(err) }
//	log.Fatal(tcpecho.Serve(l))
//
// then type lines into `ncat 127.0.0.1 7007` (or `nc`). Ctrl-D half-closes:
// the echo of a last line without '\n' arrives, then ncat exits.
//
// Read: [net.Listen], [net.Dialer.DialContext], [io.Copy], [bufio.Reader],
// [net.TCPConn.CloseWrite].
package tcpecho
