// Package deadlines is the koan of a connection's lifetime: a server that
// hangs up on idle clients, and never waits forever on a slow one.
//
// # The lesson
//
// A [net.Conn] Read blocks until data arrives, and a Write blocks until the
// kernel (or, over [net.Pipe], the peer) takes the bytes. Left alone, either
// can block forever: a client that connects and says nothing, or one that
// sends requests and never reads the replies, holds a goroutine, a buffer
// and a file descriptor for as long as it likes. A thousand such clients and
// the server is out of descriptors. Every server that faces the network
// bounds both directions.
//
// Go bounds I/O with deadlines, not timeouts: [net.Conn.SetReadDeadline]
// takes an absolute [time.Time], and every Read after that moment fails at
// once — including one already blocked. [net.Conn.SetWriteDeadline] does the
// same for writes; [net.Conn.SetDeadline] sets both. A deadline is not a
// timer that restarts by itself: "idle for 5 minutes" means setting the read
// deadline to time.Now().Add(5*time.Minute) again before reading each
// request, so that activity pushes it forward. Set it once, at accept time,
// and the server hangs up on its busiest client five minutes after it
// connected.
//
// A Read that fails because its deadline passed returns an error for which
// errors.Is(err, [os.ErrDeadlineExceeded]) is true. It comes wrapped — in a
// *net.OpError, perhaps passed on by a [bufio.Reader] — so compare with
// [errors.Is], never ==. (Older code asserts net.Error and calls Timeout();
// that still works, but Timeout is true for other errors too, and the
// Temporary method beside it is deprecated.) A deadline error does not break
// the conn: set a new deadline and the conn works again. That is how a
// server says goodbye to an idle client: the read deadline passed, so it
// sets a fresh write deadline and writes a last line before closing. Had it
// used SetDeadline for the idle timeout, the goodbye's write would fail at
// once — its deadline passed too.
//
// The deadline goes before each request, not before each Read: a client that
// trickles one byte a minute never lets a per-Read deadline expire, and
// keeps its connection forever (the "slowloris" attack). A whole line must
// arrive within the idle timeout. And a request must have a size limit, or a
// client streams one endless line into the server's memory.
// [bufio.NewReaderSize] with [bufio.Reader.ReadSlice] reads a line within a
// fixed buffer and says [bufio.ErrBufferFull] when it does not fit.
//
// net/http's Server does all this for HTTP (ReadHeaderTimeout, IdleTimeout,
// WriteTimeout: phase2/server); here you build it by hand for a line
// protocol.
//
// # What to build
//
// A line echo server: each line a client sends (up to MaxLine bytes, '\n'
// included) comes back unchanged.
//
//   - Server.ServeConn: serve one conn. Before each line, set the read
//     deadline IdleTimeout ahead; before each write, the write deadline
//     WriteTimeout ahead. When the read deadline passes, write Goodbye and
//     close. Always close the conn.
//   - Server.Serve: the accept loop, one goroutine per conn.
//
// # Traps the tests will catch
//
//   - an idle client never hung up on (a leaked conn), or a zero-valued
//     Server without its defaults;
//   - a deadline set once instead of after every line, or before every Read
//     instead of every line (a trickling client keeps its conn);
//   - a deadline error compared with == instead of errors.Is, or treated
//     like any other error (no Goodbye);
//   - a Goodbye written under the deadline that has just passed;
//   - no write deadline: a client that never reads blocks the server forever;
//   - a ServeConn that returns without closing its conn;
//   - a line with no length limit.
//
// The tests run in [testing/synctest] bubbles over [net.Pipe]: an hour of
// idle time costs no real time, and it passes exactly on the hour.
//
// # Try it
//
// Serve on 127.0.0.1:7008 from a scratch main with IdleTimeout: 10 *
// time.Second, then `ncat 127.0.0.1 7008`: type a line now and then, and
// stop typing to be told goodbye ten seconds later.
//
// Read: [net.Conn], [os.ErrDeadlineExceeded], [bufio.Reader.ReadSlice],
// [errors.Is].
package deadlines
