// Package lineproto is a koan about line protocols: reading and writing
// lines on [bufio], and a tiny command server on top.
//
// # The lesson
//
// SMTP, POP3, FTP, IRC, memcached, Redis's inline commands and HTTP/1's
// request line and headers are all lines of text over TCP. TCP carries bytes,
// not lines, so a reader collects bytes until the end of a line, and that
// end is where the traps are.
//
// Line endings. The Internet's text protocols end lines with CRLF ("\r\n"),
// but people type at them with tools that send LF ("\n") alone. HTTP/1.1's
// rule (RFC 9112 §2.2) is the common one: send CRLF; a recipient may accept
// a bare LF as the end of a line and ignore a CR before it; a bare CR
// anywhere else is invalid. Here, likewise, a line ends at LF, a CR just
// before it belongs to the ending, and any other CR stays in the line (and
// makes the command invalid) — do not strip every CR, and never end a line
// at a bare CR. Two programs that disagree about where a line ends can be
// played against each other: in 2023 "SMTP smuggling" slipped forged mail
// past servers that way. For the same reason a writer must refuse a line
// that holds CR or LF: it would become two lines on the other side, and a
// client whose text is echoed back could forge a reply.
//
// The last line. When the input ends without a final LF, the bytes since the
// last LF are still a line. [bufio.Reader.ReadString] and
// [bufio.Reader.ReadSlice] return them together with [io.EOF] in one call:
// code that checks err first and returns drops the last line. Deal with the
// data, then with the error.
//
// Long lines. A peer that never sends LF would make ReadString grow its
// string until memory runs out. Bound every read of untrusted input:
// [bufio.Reader.ReadSlice] returns a view of the reader's buffer and fails
// with [bufio.ErrBufferFull] once the buffer is full, so a buffer of
// maxLine+2 bytes ([bufio.NewReaderSize]: the line, its CR and its LF) is
// the limit. [bufio.Scanner] does the same with [bufio.Scanner.Buffer] and
// [bufio.ErrTooLong] (64 KiB by default) and is the usual choice in Go code;
// it also trims CRLF and keeps a last line without LF, but reports its error
// only through [bufio.Scanner.Err] once Scan has returned false.
// [net/textproto.Reader.ReadLine] is what net/http and net/smtp build on; it
// has no limit of its own, so net/http reads headers through an
// [io.LimitedReader].
//
// Writes. Every Write on a [net.Conn] is a system call and may be a packet
// of its own. A [bufio.Writer] collects small writes in memory and hands
// them to the conn in one Write — but only when its buffer fills or when you
// call [bufio.Writer.Flush]. Forget Flush and the client waits for a reply
// that sits in your buffer; flush after closing and the last reply is lost.
// The habit of Redis and other servers: answer every command that has
// already arrived, and flush just before you would wait for more input — one
// write for a whole batch of pipelined commands, and no reply held back.
//
// # The protocol
//
// Requests and replies are lines. A request is one of
//
//	PING               +PONG
//	ECHO <text>        +<text>
//	SET <key> <value>  +OK
//	GET <key>          +<value>, or -ERR when the key is not set
//	QUIT               +BYE, and the server hangs up
//
// and anything else gets "-ERR <reason>". Words are separated by one space;
// ECHO's text and SET's value run to the end of the line.
//
// # What to build
//
//   - Reader: NewReader and ReadLine — LF or CRLF, a last line without LF,
//     a length limit with a clear error (ErrLineTooLong).
//   - Writer: NewWriter, WriteLine (CRLF, never a CR or LF inside) and Flush.
//   - ParseCommand: a line into a Command.
//   - Handle: the server for one connection, with a limit on line length,
//     on keys, and on how long a client may stall (IdleTimeout).
//
// # Traps the tests will catch
//
//   - CRLF vs LF: a CR left at the end of the line, every CR stripped, or a
//     line split at a bare CR;
//   - a last line without newline dropped, or an empty line invented after
//     the last newline;
//   - over-long lines: no limit, a limit off by the two bytes of CRLF, the
//     whole endless line read before complaining, or bufio's default 4 KiB
//     buffer taken for the limit;
//   - a forgotten Flush: replies that never leave the buffer, leave only
//     when Handle returns, or are flushed after Close;
//   - a client that stalls, drips a byte at a time, or never reads its
//     replies, holding the server's goroutine for ever.
//
// There is a fuzz target; run it for a minute:
//
//	go test -run '^$' -fuzz FuzzReadLine -fuzztime 60s ./phase1/lineproto
//
// and a benchmark, unbuffered writes against a Writer flushed every line
// and every 64 lines:
//
//	go test -run '^$' -bench Write ./phase1/lineproto
//
// # Try it
//
// Serve Handle from a scratch main (go Handle(conn) for each Accept, as in
// tcpecho) on 127.0.0.1:7008, then talk to it:
//
//	ncat --crlf 127.0.0.1 7008
//	printf 'PING\r\nSET k hello world\r\nGET k\r\nQUIT\r\n' | ncat 127.0.0.1 7008
//
// Read: [bufio.Reader.ReadSlice], [bufio.NewReaderSize], [bufio.Writer],
// [bufio.Scanner], [strings.Cut], [net.Conn] (SetDeadline),
// [net/textproto].
package lineproto
