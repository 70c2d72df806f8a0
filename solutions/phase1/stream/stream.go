//go:build solutions

// Package stream is the reference answer to the phase1/stream koan.
package stream

import (
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"strings"
	"unicode/utf8"
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

// castagnoli is built once; crc32 recognises this table and uses the
// CPU's CRC32 instruction (SSE4.2 on amd64, CRC on arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (o *Options) newHash() hash.Hash {
	if o == nil || o.Hash == nil {
		return crc32.New(castagnoli)
	}
	return o.Hash()
}

func (o *Options) maxSize() int64 {
	if o == nil || o.MaxSize == 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
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
	if err := checkName(h.Name); err != nil {
		return err
	}
	if h.Size < 0 {
		return fmt.Errorf("%w: negative size %d", ErrHeader, h.Size)
	}
	sum := opts.newHash()

	// The header in one Write: one syscall, and one small segment
	// rather than three tiny ones.
	hdr := make([]byte, 0, 2+len(h.Name)+8)
	hdr = binary.BigEndian.AppendUint16(hdr, uint16(len(h.Name)))
	hdr = append(hdr, h.Name...)
	hdr = binary.BigEndian.AppendUint64(hdr, uint64(h.Size))
	sum.Write(hdr) // the checksum covers the header: a flipped name is corruption too
	if _, err := w.Write(hdr); err != nil {
		return err
	}

	// One buffer, reused: memory stays flat whatever the size. The
	// LimitReader stops at h.Size even if the file grew meanwhile, and the
	// MultiWriter hashes exactly what is sent. Neither is a ReaderFrom or
	// WriterTo, so CopyBuffer really uses buf (a *net.TCPConn destination
	// alone would have io.Copy pick its own path and buffer).
	n, err := io.CopyBuffer(io.MultiWriter(w, sum), io.LimitReader(body, h.Size), make([]byte, BufferSize))
	if err != nil {
		return err
	}
	if n < h.Size {
		// The file shrank while we sent it. No checksum: the receiver
		// reports truncation rather than accepting a short file.
		return fmt.Errorf("stream: %q: body ended after %d of %d bytes: %w", h.Name, n, h.Size, io.ErrUnexpectedEOF)
	}
	_, err = w.Write(sum.Sum(nil))
	return err
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
	sum := opts.newHash()
	var h Header

	// The name's length first, and check it before reading the name. A
	// uint16 cannot announce more than 64 KiB, but the rule is the same
	// for every length a peer sends: bound it, then read.
	var buf [2 + MaxNameLength + 8]byte
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		if err == io.EOF {
			return h, io.EOF // a clean end between frames
		}
		return h, truncated(err, "in the header")
	}
	nameLen := int(binary.BigEndian.Uint16(buf[:2]))
	if nameLen > MaxNameLength {
		return h, fmt.Errorf("%w: name of %d bytes (at most %d)", ErrHeader, nameLen, MaxNameLength)
	}
	rest := buf[2 : 2+nameLen+8]
	if _, err := io.ReadFull(r, rest); err != nil {
		return h, truncated(err, "in the header")
	}
	sum.Write(buf[:2+nameLen+8])
	h.Name = string(rest[:nameLen])
	size := binary.BigEndian.Uint64(rest[nameLen:])
	if err := checkName(h.Name); err != nil {
		return h, err
	}
	// Compare as uint64: converted to int64 first, a size above MaxInt64
	// would turn negative and slip under the limit.
	if limit := opts.maxSize(); size > uint64(limit) || size > math.MaxInt64 {
		return h, fmt.Errorf("%w: %q declares %d bytes (at most %d)", ErrHeader, h.Name, size, limit)
	}
	h.Size = int64(size)

	// Exactly h.Size bytes: LimitReader never reads past the body, and a
	// short count is the truncation io.CopyBuffer itself does not report
	// (it returns nil at EOF, however early).
	n, err := io.CopyBuffer(io.MultiWriter(w, sum), io.LimitReader(r, h.Size), make([]byte, BufferSize))
	if err != nil {
		return h, fmt.Errorf("stream: receiving %q: %w", h.Name, err)
	}
	if n < h.Size {
		return h, fmt.Errorf("%w: %q ended after %d of %d bytes", ErrTruncated, h.Name, n, h.Size)
	}

	want := sum.Sum(nil)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil {
		return h, truncated(err, fmt.Sprintf("in the checksum of %q", h.Name))
	}
	// Constant time: with an HMAC, a comparison that stops at the first
	// wrong byte tells an attacker how much of a forged tag was right.
	if !hmac.Equal(got, want) {
		return h, fmt.Errorf("%w: %q: got %x, computed %x", ErrChecksum, h.Name, got, want)
	}
	return h, nil
}

// truncated turns the end of the stream inside a frame into ErrTruncated,
// and wraps any other read error.
func truncated(err error, where string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the stream ended %s", ErrTruncated, where)
	}
	return fmt.Errorf("stream: reading %s: %w", where, err)
}

// checkName accepts a name fit to become one file name on the receiver's
// side: a peer's "../../.bashrc" must never reach a path.
func checkName(name string) error {
	switch {
	case name == "" || len(name) > MaxNameLength:
		return fmt.Errorf("%w: name of %d bytes (1 to %d)", ErrHeader, len(name), MaxNameLength)
	case !utf8.ValidString(name), name == ".", name == "..", strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("%w: name %q", ErrHeader, name)
	}
	return nil
}
