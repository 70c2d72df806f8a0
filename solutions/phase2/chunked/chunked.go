//go:build solutions

// Package chunked is the reference answer to the phase2/chunked koan.
package chunked

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
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

	br       *bufio.Reader
	n        int64       // data bytes left in the current chunk
	needCRLF bool        // the current chunk's data is read; its CRLF is not
	line     []byte      // scratch for lines longer than br's buffer
	trailer  http.Header // set at EOF
	err      error       // sticky
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
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.n == 0 {
		// Between chunks, with nothing in hand: reading ahead may block,
		// and that is fine.
		if r.needCRLF {
			if r.err = r.readCRLF(); r.err != nil {
				return 0, r.err
			}
			r.needCRLF = false
		}
		size, err := r.readSize()
		if err != nil {
			r.err = err
			return 0, err
		}
		if size == 0 {
			if r.err = r.readTrailer(); r.err == nil {
				r.err = io.EOF
			}
			return 0, r.err
		}
		r.n = size
	}
	// One Read of the underlying reader, at most to the end of the chunk:
	// never wait for more than the connection has.
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	n, err := r.br.Read(p)
	r.n -= int64(n)
	if r.n == 0 {
		// Check the CRLF on the next call: it may not have arrived yet,
		// and these bytes must not wait for it.
		r.needCRLF = true
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // EOF inside a chunk is a truncation
		}
		r.err = err
		if n > 0 {
			return n, nil // the error comes back on the next call
		}
	}
	return n, r.err
}

// Trailer returns the trailer fields that followed the last chunk, with
// canonical keys. Its result is valid only after Read has returned io.EOF.
// Keep it apart from the message's header: a trailer must never change how
// the message was framed or routed.
func (r *Reader) Trailer() http.Header {
	return r.trailer
}

// readCRLF reads the CRLF that ends a chunk's data.
func (r *Reader) readCRLF() error {
	// Two ReadByte calls, not io.ReadFull into a local array: that array
	// would escape to the heap, one allocation per chunk.
	for _, want := range "\r\n" {
		c, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if rune(c) != want {
			return fmt.Errorf("%w after chunk data: got %q where %q belongs", ErrCRLF, c, want)
		}
	}
	return nil
}

// readLine reads one line of at most limit bytes, CRLF included, and
// returns it without its CRLF. The result is valid until the next read.
func (r *Reader) readLine(limit int) ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than br's buffer: collect it, within limit. The
		// limit is ours, not bufio's — a big buffer must not raise it.
		r.line = append(r.line[:0], line...)
		for err == bufio.ErrBufferFull && len(r.line) <= limit {
			line, err = r.br.ReadSlice('\n')
			r.line = append(r.line, line...)
		}
		line = r.line
	}
	if len(line) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLong, limit)
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // a line must end in CRLF, EOF is not one
		}
		return nil, err
	}
	// RFC 9112 lets a parser accept a bare LF in headers, but not in chunk
	// lines (erratum 7633): two parsers that disagree on where a line ends
	// disagree on where a message ends — request smuggling.
	body := line[:len(line)-1]
	if len(body) == 0 || body[len(body)-1] != '\r' {
		return nil, fmt.Errorf("%w: line %q ends in a bare LF", ErrCRLF, clip(line))
	}
	body = body[:len(body)-1]
	if bytes.IndexByte(body, '\r') >= 0 {
		return nil, fmt.Errorf("%w: stray CR in line %q", ErrCRLF, clip(line))
	}
	return body, nil
}

// readSize reads a chunk-size line and returns the size.
func (r *Reader) readSize() (int64, error) {
	line, err := r.readLine(MaxLineLength)
	if err != nil {
		return 0, err
	}
	line = bytes.TrimRight(line, " \t")
	// Extensions (";name=value") are legal and meaningless to us: drop
	// them unparsed, as Go does. No whitespace before ';' though.
	hexits := line
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		hexits = line[:i]
	}
	if len(hexits) == 0 || len(hexits) > 16 {
		// 16 hex digits fill a uint64: more cannot be parsed without
		// overflow checks, and no honest sender pads that far.
		return 0, fmt.Errorf("%w: %q: want 1 to 16 hex digits", ErrSize, clip(line))
	}
	var size uint64
	for _, c := range hexits {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("%w: %q: %q is not a hex digit", ErrSize, clip(line), c)
		}
		size = size<<4 | uint64(d)
	}
	limit := r.MaxChunkSize
	if limit <= 0 {
		limit = DefaultMaxChunkSize
	}
	// Compare as uint64: converting first could turn a huge size negative.
	if size > uint64(limit) {
		return 0, fmt.Errorf("%w: %d bytes, over the limit of %d", ErrTooLarge, size, limit)
	}
	return int64(size), nil
}

// readTrailer reads the trailer section and the final CRLF after the last
// chunk.
func (r *Reader) readTrailer() error {
	// Collect the section's raw lines, strictly CRLF, within the bound;
	// then let textproto judge the fields, so that they mean exactly what
	// they would in a header.
	var section []byte
	for {
		line, err := r.readLine(MaxTrailerSize - len(section))
		if err != nil {
			if errors.Is(err, ErrTooLong) {
				return fmt.Errorf("%w: trailer section over %d bytes", ErrTooLong, MaxTrailerSize)
			}
			return err
		}
		section = append(append(section, line...), '\r', '\n')
		if len(line) == 0 {
			break
		}
	}
	if len(section) == 2 { // no fields: the common case
		r.trailer = http.Header{}
		return nil
	}
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(section))).ReadMIMEHeader()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTrailer, err)
	}
	r.trailer = http.Header(hdr)
	return nil
}

// clip shortens b for an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
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
		// Declared before the header is written: Go's server sends only
		// declared trailers (or http.TrailerPrefix ones).
		w.Header().Set("Trailer", TrailerSum)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rc := http.NewResponseController(w)
		sum := sha256.New()
		for _, p := range parts {
			if p == "" {
				continue
			}
			if _, err := io.WriteString(w, p); err != nil {
				return // the client has gone
			}
			sum.Write([]byte(p))
			// Flush: the part leaves now, as one chunk. Through
			// ResponseController, so a middleware's wrapper that
			// implements Unwrap does not hide the Flusher.
			if err := rc.Flush(); err != nil {
				return
			}
		}
		w.Header().Set(TrailerSum, hex.EncodeToString(sum.Sum(nil)))
	})
}
