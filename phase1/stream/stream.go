// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package stream

import (
	"errors"
	"hash"
	"io"

	"github.com/netkoans/netkoans/internal/todo"
)

// BufferSize is the size of the one buffer that Send and Receive each copy
// a file's bytes through.
const BufferSize = 64 << 10

// MaxNameLength is the longest name, in bytes, that Send and Receive accept.
const MaxNameLength = 255

// DefaultMaxSize is the largest file Receive accepts when Options.MaxSize is
// 0.
const DefaultMaxSize = 1 << 30

var (
	// ErrHeader is wrapped by the errors for an invalid name or size.
	ErrHeader = errors.New("stream: invalid header")
	// ErrTruncated is wrapped by Receive's error when the stream ends
	// inside a frame.
	ErrTruncated = errors.New("stream: truncated")
	// ErrChecksum is wrapped by Receive's error when the checksum does not
	// match the bytes received.
	ErrChecksum = errors.New("stream: checksum mismatch")
)

// Header describes a file: its name and its size in bytes.
type Header struct {
	Name string
	Size int64
}

// Options configures Send and Receive; both ends must use the same Hash. A
// nil *Options means the zero Options.
type Options struct {
	// Hash returns a new checksum. nil means CRC-32C (crc32.Castagnoli),
	// which catches accidental corruption. Use sha256.New, or an HMAC
	// (hmac.New(sha256.New, key)) when tampering matters.
	Hash func() hash.Hash
	// MaxSize is the largest Size that Receive accepts. 0 means
	// DefaultMaxSize.
	MaxSize int64
}

// Send writes one file to w as a frame:
//
//	name length  2 bytes, big-endian
//	name         that many bytes
//	size         8 bytes, big-endian
//	body         size bytes, read from body
//	checksum     the Options.Hash of every byte above, header included, as
//	             hash.Hash.Sum returns it (CRC-32C: 4 bytes, big-endian)
//
// It copies body through one buffer of BufferSize bytes, so its memory does
// not depend on h.Size, and reads no more than h.Size bytes from body. If h
// is invalid (a name Receive would refuse, see there, or a negative Size) it
// returns an error wrapping ErrHeader and writes nothing. If body ends before h.Size bytes it returns an error wrapping
// io.ErrUnexpectedEOF and writes no checksum.
func Send(w io.Writer, h Header, body io.Reader, opts *Options) error {
	return todo.Err
}

// Receive reads one frame written by Send from r, writes its body to w, and
// returns its header once the checksum matched. It reads exactly one frame
// and nothing past it, so one connection can carry several files, and it
// copies through one buffer of BufferSize bytes.
//
// The body reaches w before the checksum can be checked: until Receive
// returns nil, treat what w received as unverified (write to a temporary
// file, rename it after).
//
// Receive trusts nothing it reads. It checks each length before reading
// what the length announces. It returns:
//
//   - io.EOF itself when r ends before the frame's first byte: no more files;
//   - an error wrapping ErrHeader when the name is empty, longer than
//     MaxNameLength, not valid UTF-8, "." or "..", or holds '/', '\\' or
//     NUL, or when the size exceeds Options.MaxSize — before reading any
//     byte of the body;
//   - an error wrapping ErrTruncated when r ends anywhere else in the frame;
//   - an error wrapping ErrChecksum when the checksum does not match;
//   - any other error from r or w, wrapped.
//
// The Header is returned, errors included, as far as it was read.
func Receive(r io.Reader, w io.Writer, opts *Options) (Header, error) {
	return Header{}, todo.Err
}
