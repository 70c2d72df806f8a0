// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package chunked

import (
	"bufio"
	"errors"
	"net/http"

	"github.com/netkoans/netkoans/internal/todo"
)

const (
	// MaxLineLength is the longest chunk-size line Read accepts, extensions
	// and CRLF included: 4096 bytes, as Go's own reader.
	MaxLineLength = 4096

	// MaxTrailerSize is the longest trailer section Read accepts, its final
	// CRLF included: 4096 bytes, as net/http.
	MaxTrailerSize = 4096

	// DefaultMaxChunkSize is the MaxChunkSize that NewReader sets: 1 GiB.
	DefaultMaxChunkSize = 1 << 30
)

var (
	// ErrSize: a chunk size that is not 1 to 16 hex digits.
	ErrSize = errors.New("chunked: malformed chunk size")
	// ErrTooLarge: a chunk size over Reader.MaxChunkSize.
	ErrTooLarge = errors.New("chunked: chunk too large")
	// ErrTooLong: a line over MaxLineLength or a trailer section over
	// MaxTrailerSize.
	ErrTooLong = errors.New("chunked: line too long")
	// ErrCRLF: a line that does not end in CRLF, a CR anywhere else in a
	// line, or chunk data not followed by CRLF.
	ErrCRLF = errors.New("chunked: missing CRLF")
	// ErrTrailer: a trailer section that does not parse as header fields.
	ErrTrailer = errors.New("chunked: malformed trailer")
)

// Reader decodes one body sent with Transfer-Encoding: chunked (RFC 9112
// §7.1):
//
//	chunked-body = *chunk last-chunk trailer-section CRLF
//	chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// Read returns the chunk data, and io.EOF once the last chunk, the trailer
// section and the final CRLF have been read. It reads nothing past that
// final CRLF, so the next message on the connection is left in the
// bufio.Reader.
//
// The rules, which are Go's own (net/http/internal/chunked.go):
//   - every line ends in CRLF; a bare LF, or a CR anywhere else in a line,
//     fails with ErrCRLF, and so does chunk data not followed by CRLF;
//   - a chunk-size line is at most MaxLineLength bytes, CRLF included, else
//     ErrTooLong, whatever the size of the bufio.Reader's buffer;
//   - spaces and tabs at the end of the line are ignored; the size is what
//     comes before the first ';' (the rest is chunk extensions, ignored),
//     and must be 1 to 16 hex digits, either case, leading zeros allowed,
//     else ErrSize ("0x1a", "+5", " 5", "5 ;ext" all fail);
//   - a size over MaxChunkSize fails with ErrTooLarge before any of its data
//     is read;
//   - a size of 0 is the last chunk; the trailer section follows: header
//     fields, each on a CRLF-terminated line, ended by an empty line (CRLF).
//     It is at most MaxTrailerSize bytes, final CRLF included (ErrTooLong),
//     and parses as textproto.Reader.ReadMIMEHeader does (ErrTrailer);
//   - input that ends early fails with io.ErrUnexpectedEOF, including input
//     that ends without the final CRLF.
//
// Errors are sticky: once Read has failed, it returns the same error.
type Reader struct {
	// MaxChunkSize is the largest chunk size Read accepts. NewReader sets
	// it to DefaultMaxChunkSize.
	MaxChunkSize int64

	br *bufio.Reader
	// Add what else you need.
}

// NewReader returns a Reader that decodes the chunked body at the start of
// br.
func NewReader(br *bufio.Reader) *Reader {
	return &Reader{br: br, MaxChunkSize: DefaultMaxChunkSize}
}

// Read reads chunk data into p. It returns data as soon as it has some: it
// never waits for the next chunk, nor for the CRLF after this one's data,
// once it has bytes to return.
func (r *Reader) Read(p []byte) (int, error) {
	return 0, todo.Err
}

// Trailer returns the trailer fields that followed the last chunk, with
// canonical keys. Its result is valid only after Read has returned io.EOF.
// Keep it apart from the message's header: a trailer must never change how
// the message was framed or routed.
func (r *Reader) Trailer() http.Header {
	return nil
}

// TrailerSum is the trailer field in which Stream sends the SHA-256 of the
// body, in lower-case hex.
const TrailerSum = "X-Sha256"

// Stream returns a handler that answers every request with 200 and a body
// made of parts, each sent as a chunk of its own (empty parts send nothing:
// a zero-length chunk would end the body; Go's server may split a part
// longer than its 2 KiB buffer). After the last part it sends the trailer
// field TrailerSum, the hex SHA-256 of the whole body.
//
// To make Go's server send chunked it must not know the length in advance:
// flush after each part (http.ResponseController), so that the server
// neither buffers the parts together nor counts a Content-Length. A trailer
// is sent only if declared before the body starts (the Trailer header), or
// set with the http.TrailerPrefix.
func Stream(parts ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, todo.Text, http.StatusNotImplemented)
	})
}
