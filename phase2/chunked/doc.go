// Package chunked is the koan of HTTP/1.1's chunked transfer coding, decoded
// by hand.
//
// # The lesson
//
// An HTTP/1.1 message must say where its body ends, because the connection
// goes on to the next message. Content-Length does it when the sender knows
// the length up front. When it does not — a stream, a response generated as
// it goes — the body is sent with Transfer-Encoding: chunked (RFC 9112 §7.1):
// a series of chunks, each a size in hex, CRLF, that many bytes, CRLF; then a
// chunk of size 0; then optional trailer fields; then an empty line.
//
//	5\r\nhello\r\n            a chunk of 5 bytes
//	7;note=x\r\n, world\r\n    7 bytes, with a chunk extension (ignored)
//	0\r\n                     the last chunk
//	X-Sha256: 4a5b…\r\n        a trailer field: known only at the end
//	\r\n                      the end of the message
//
// Go's server chooses chunked by itself: when a handler flushes before it has
// finished, or writes more than the server's small buffer, the length is not
// known when the header goes out. Go's client, and [net/http/httputil]'s
// [httputil.NewChunkedReader], decode it for you. HTTP/2 and HTTP/3 have
// frames instead and forbid Transfer-Encoding altogether; chunked lives on
// in every HTTP/1.1 connection, every proxy and every load balancer.
//
// A decoder of framing is a security boundary. When a proxy and the server
// behind it disagree on where a body ends, the bytes one of them thinks are
// body the other reads as the next request: request smuggling. So a decoder
// is strict, bounded and predictable. This koan's rules are Go's own
// (net/http/internal/chunked.go), stated in full in [Reader]:
//
//   - every line ends in CRLF. A bare LF is rejected: RFC 9112 lets header
//     parsers accept one, but not chunk lines (erratum 7633, which proposed
//     it, was rejected);
//   - a size is 1 to 16 hex digits, either case, leading zeros allowed; no
//     "0x", no sign, no leading space. Spaces and tabs at the end of the line
//     are ignored, and everything from the first ';' is an extension,
//     ignored unparsed. RFC 9112 allows whitespace before ';', Go does not;
//   - a size line is at most 4096 bytes, and that limit is the decoder's own:
//     a bufio.Reader's buffer size is not a limit to rely on;
//   - a size over Reader.MaxChunkSize fails before any of its data is read.
//     Compare before converting: 8000000000000000 is negative as an int64.
//     And never allocate a buffer of the sender's size: stream the data;
//   - after a chunk's data comes CRLF, checked: a size that lies shifts
//     every chunk after it;
//   - the trailer section is header fields, bounded (4096 bytes), each line
//     CRLF, parsed by [textproto.Reader.ReadMIMEHeader] as net/http parses
//     them. Trailers are kept apart from the header: a trailer must never
//     change how the message was framed or routed;
//   - EOF anywhere before the final CRLF is [io.ErrUnexpectedEOF].
//
// A Read returns the data it has: it never blocks for the CRLF after a chunk
// or for the next chunk once it holds bytes for the caller — the [io.Reader]
// contract, and what makes a chunked stream (server-sent events, logs)
// arrive as it is sent. And it reads nothing past the final CRLF: the next
// response on the connection is still in the [bufio.Reader].
//
// Where Go and this koan differ, it is on purpose, and FuzzReader (which
// compares this decoder with Go's on random input) lets exactly these
// through: net/http parses the trailer section with textproto, which accepts
// a bare LF there; and Go also rejects a body that carries over 16 KiB of
// chunk overhead (long extensions on tiny chunks) beyond what its data
// justifies. Everywhere else both accept the same bytes with the same result,
// or both reject them.
//
// # What to build
//
//   - Reader (NewReader, Read, Trailer): the decoder, over the bufio.Reader
//     of a raw connection.
//   - Stream: a handler that makes Go's server send chunked, one chunk per
//     part — write, then flush with [http.ResponseController] — and a
//     trailer with the body's SHA-256, declared in the Trailer header before
//     the body starts (or set with [http.TrailerPrefix]).
//
// # Traps the tests will catch
//
//   - sizes read as decimal, or with strconv's base 0 ("0x10", "1_0");
//   - extensions not stripped, or whitespace trimmed after cutting at ';';
//   - trailers ignored, left unread, or read past the final CRLF;
//   - a missing final CRLF, or a missing CRLF after the data, accepted;
//   - bare LFs accepted; line limits left to bufio's buffer;
//   - oversize chunks accepted, or an overflowing size that slips past the
//     limit as a negative number;
//   - a Read that waits for the next chunk while holding data;
//   - a Stream that never flushes (Go sends Content-Length), or sets an
//     undeclared trailer (Go drops it).
//
// # Try it
//
// Serve Stream from a scratch main, then look at the raw wire:
//
//	curl -s --raw http://127.0.0.1:8080/ | od -c | head
//	printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | ncat 127.0.0.1 8080
//
// Read: [httputil.NewChunkedReader], [httputil.NewChunkedWriter],
// [bufio.Reader.ReadSlice], [textproto.Reader.ReadMIMEHeader],
// [http.ResponseController.Flush], [http.TrailerPrefix].
package chunked
