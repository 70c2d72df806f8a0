package stream_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase1/stream"
)

// The tests' own encoder and checksums, independent of Send: what Send must
// write and Receive must read.

func crc32c() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }

var key = []byte("a secret both ends share")

func hmacSHA256() hash.Hash { return hmac.New(sha256.New, key) }

// checks are the checksums every test runs with: the default (nil
// Options), SHA-256, and an HMAC.
var checks = []struct {
	name    string
	opts    *stream.Options
	newHash func() hash.Hash
}{
	{"CRC-32C (default)", nil, crc32c},
	{"SHA-256", &stream.Options{Hash: sha256.New}, sha256.New},
	{"HMAC-SHA-256", &stream.Options{Hash: hmacSHA256}, hmacSHA256},
}

// header encodes a frame's header.
func header(name string, size uint64) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(name)))
	b = append(b, name...)
	return binary.BigEndian.AppendUint64(b, size)
}

// frame encodes a whole frame: header, body, checksum of both.
func frame(name string, body []byte, newHash func() hash.Hash) []byte {
	b := append(header(name, uint64(len(body))), body...)
	h := newHash()
	h.Write(b)
	return h.Sum(b)
}

// randomBytes returns n bytes of a fixed pseudo-random sequence.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{'n', 'e', 't', 'k', 'o', 'a', 'n', 's'}).Read(b)
	return b
}

// where names the part of a frame that byte i falls in, with a hint.
func where(nameLen, bodyLen, i int) string {
	hdr := 2 + nameLen + 8
	switch {
	case i < 2:
		return "in the name length\nhint: 2 bytes, big-endian: binary.BigEndian.AppendUint16"
	case i < 2+nameLen:
		return "in the name"
	case i < hdr:
		return "in the size\nhint: 8 bytes, big-endian: binary.BigEndian.AppendUint64"
	case i < hdr+bodyLen:
		return "in the body\nhint: the file's bytes, in order, each once"
	}
	return "in the checksum\nhint: a checksum of the header and the body, as hash.Hash.Sum returns it; " +
		"the default is CRC-32C: crc32.New(crc32.MakeTable(crc32.Castagnoli)), not crc32.ChecksumIEEE"
}

// firstDiff returns the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func TestSendWireFormat(t *testing.T) {
	for _, ck := range checks {
		for _, f := range []struct {
			name string
			body []byte
		}{
			{"hello.txt", []byte("hello, world\n")},
			{"empty", nil},
			{"résumé.pdf", randomBytes(100 << 10)},
			{strings.Repeat("n", stream.MaxNameLength), []byte("the longest name")},
		} {
			t.Run(ck.name+"/"+f.name[:min(len(f.name), 16)], func(t *testing.T) {
				var out bytes.Buffer
				err := stream.Send(&out, stream.Header{Name: f.name, Size: int64(len(f.body))}, bytes.NewReader(f.body), ck.opts)
				require.NoError(t, err, "Send(%q, %d bytes) with %s", f.name, len(f.body), ck.name)
				want := frame(f.name, f.body, ck.newHash)
				i := firstDiff(want, out.Bytes())
				koantest.Same(t, want, out.Bytes(), fmt.Sprintf("the frame Send wrote for %.24q (%d bytes) with %s: the first difference is %s",
					f.name, len(f.body), ck.name, where(len(f.name), len(f.body), i)))
			})
		}
	}
}

func TestSendRejectsBadHeaders(t *testing.T) {
	for _, h := range []stream.Header{
		{Name: "", Size: 1},
		{Name: "../../.bashrc", Size: 1},
		{Name: "dir/file", Size: 1},
		{Name: `dir\file`, Size: 1},
		{Name: "nul\x00byte", Size: 1},
		{Name: ".", Size: 1},
		{Name: "..", Size: 1},
		{Name: strings.Repeat("n", stream.MaxNameLength+1), Size: 1},
		{Name: "bad\xffutf8", Size: 1},
		{Name: "negative", Size: -1},
	} {
		t.Run(fmt.Sprintf("%.20q/%d", h.Name, h.Size), func(t *testing.T) {
			var out bytes.Buffer
			err := stream.Send(&out, h, strings.NewReader("x"), nil)
			require.ErrorIs(t, err, stream.ErrHeader, "Send(%q, size %d) must refuse the header: the receiver would refuse it\n"+
				"hint: names of 1 to MaxNameLength bytes of valid UTF-8 (utf8.ValidString), not \".\" or \"..\", without '/', '\\\\' or NUL; sizes not negative", h.Name, h.Size)
			require.Zero(t, out.Len(), "Send refused the header but wrote %d bytes first: check, then write", out.Len())
		})
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestSendBodyOfTheWrongSize(t *testing.T) {
	body := randomBytes(2000)
	hdr := len(header("data.bin", 1000))

	t.Run("shorter than Size", func(t *testing.T) {
		var out bytes.Buffer
		err := stream.Send(&out, stream.Header{Name: "data.bin", Size: 1000}, bytes.NewReader(body[:600]), nil)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body ended after 600 of the 1000 bytes promised (the file shrank while it was sent)\n"+
			"hint: io.Copy returns nil at EOF, however few bytes came: compare its count with h.Size")
		require.LessOrEqual(t, out.Len(), hdr+600, "Send wrote a checksum after a short body: the receiver would wait for 400 more bytes\n"+
			"hint: return before writing the checksum; the receiver then reports truncation")
	})
	t.Run("longer than Size", func(t *testing.T) {
		var out bytes.Buffer
		src := &countingReader{r: bytes.NewReader(body)}
		err := stream.Send(&out, stream.Header{Name: "data.bin", Size: 1000}, src, nil)
		require.NoError(t, err, "the file grew while it was sent: Send sends the 1000 bytes promised")
		koantest.Same(t, frame("data.bin", body[:1000], crc32c), out.Bytes(), "the frame for a body longer than Size\nhint: io.LimitReader(body, h.Size)")
		require.LessOrEqual(t, src.n, 1000, "Send read %d bytes from body for a Size of 1000\nhint: io.LimitReader(body, h.Size)", src.n)
	})
}

// tcpPair returns both ends of a loopback TCP connection, with deadlines,
// closed when the test ends.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	l := koantest.Listen(t)
	client, err := net.DialTimeout("tcp", l.Addr().String(), koantest.Patience)
	require.NoError(t, err)
	t.Cleanup(func() { client.Close() })
	koantest.Do(t, "accepting a loopback connection", func() { server, err = l.Accept() })
	require.NoError(t, err)
	t.Cleanup(func() { server.Close() })
	return client, server
}

func TestRoundTripOverTCP(t *testing.T) {
	files := []struct {
		name string
		body []byte
	}{
		{"empty.txt", nil},
		{"a", []byte("a")},
		{"big.bin", randomBytes(1<<20 + 7)},
		{"résumé.pdf", randomBytes(1000)},
	}
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			client, server := tcpPair(t)
			koantest.SetDeadline(t, client)
			koantest.SetDeadline(t, server)
			sent := make(chan error, 1)
			go func() { // the sender: every file, then hang up
				defer client.Close()
				for _, f := range files {
					if err := stream.Send(client, stream.Header{Name: f.name, Size: int64(len(f.body))}, bytes.NewReader(f.body), ck.opts); err != nil {
						sent <- fmt.Errorf("Send(%q): %w", f.name, err)
						return
					}
				}
				sent <- nil
			}()
			senderDone := false
			defer func() {
				if !senderDone {
					server.Close() // unblocks a sender stuck on a receiver that stopped reading
					koantest.Recv(t, sent, "waiting for the sender to finish")
				}
			}()

			for i, f := range files {
				var got bytes.Buffer
				h, err := stream.Receive(server, &got, ck.opts)
				hint := ""
				if i > 0 {
					hint = "\nhint: Receive must read exactly one frame and nothing past it — a bufio.Reader made inside Receive reads ahead into the next file"
				}
				require.NoError(t, err, "receiving file %d of %d, %q (%d bytes), with %s%s", i+1, len(files), f.name, len(f.body), ck.name, hint)
				require.Equal(t, stream.Header{Name: f.name, Size: int64(len(f.body))}, h, "the header Receive returned for file %d", i+1)
				koantest.Same(t, f.body, got.Bytes(), fmt.Sprintf("the body of %q as Receive wrote it", f.name))
			}
			var got bytes.Buffer
			_, err := stream.Receive(server, &got, ck.opts)
			require.True(t, err == io.EOF, "after the last file the sender hung up: Receive must return io.EOF itself (got %v)\n"+
				"hint: io.ReadFull returns io.EOF when no byte came at all; return it unwrapped — callers compare err == io.EOF", err)
			senderDone = true
			require.NoError(t, koantest.Recv(t, sent, "waiting for the sender to finish"))
		})
	}
}

func TestReceiveTruncated(t *testing.T) {
	const name = "data.bin"
	body := randomBytes(1000)
	hdr := len(header(name, 1000))
	const (
		inHeader = "hint: io.ReadFull returns io.ErrUnexpectedEOF when the stream ends partway: report ErrTruncated (fmt.Errorf(\"%w: ...\", ErrTruncated))"
		inBody   = "hint: io.Copy and io.CopyBuffer return nil at EOF, however few bytes came: compare their count with the size (io.CopyN says io.EOF when short) — " +
			"and never let a truncated file end as io.EOF, which means \"no more files\""
		inSum = "hint: read the checksum with io.ReadFull; a short read — io.EOF too, when not one byte of it came — is truncation, not a mismatch"
	)
	for _, ck := range checks {
		full := frame(name, body, ck.newHash)
		for _, cut := range []struct {
			where string
			at    int
			hint  string
		}{
			{"in the name length", 1, inHeader},
			{"in the name", 2 + 4, inHeader},
			{"in the size", hdr - 1, inHeader},
			{"before the body", hdr, inBody},
			{"in the body", hdr + 500, inBody},
			{"before the checksum", hdr + len(body), inSum},
			{"in the checksum", len(full) - 1, inSum},
		} {
			t.Run(ck.name+"/"+cut.where, func(t *testing.T) {
				var got bytes.Buffer
				_, err := stream.Receive(bytes.NewReader(full[:cut.at]), &got, ck.opts)
				require.ErrorIs(t, err, stream.ErrTruncated, "the stream ended %s (after %d of the frame's %d bytes), with %s\n%s",
					cut.where, cut.at, len(full), ck.name, cut.hint)
			})
		}
	}
	t.Run("nothing at all", func(t *testing.T) {
		_, err := stream.Receive(bytes.NewReader(nil), io.Discard, nil)
		require.True(t, err == io.EOF, "an empty stream holds no file: Receive must return io.EOF itself, not truncation (got %v)", err)
	})
}

// A sender that dies mid-file: the receiver sees the connection close.
func TestReceiveTruncatedOverTCP(t *testing.T) {
	client, server := tcpPair(t)
	koantest.SetDeadline(t, server)
	full := frame("big.bin", randomBytes(1<<20), crc32c)
	sent := make(chan error, 1)
	go func() {
		_, err := client.Write(full[:len(full)/2])
		client.Close()
		sent <- err
	}()
	var got bytes.Buffer
	_, err := stream.Receive(server, &got, nil)
	require.ErrorIs(t, err, stream.ErrTruncated, "the sender hung up halfway through the body\n"+
		"hint: io.Copy returns nil at EOF, however few bytes came: compare its count with the size")
	require.NoError(t, koantest.Recv(t, sent, "waiting for the test's sender"))
}

func TestReceiveCorrupted(t *testing.T) {
	const name = "data.bin"
	body := randomBytes(1000)
	hdr := len(header(name, 1000))
	for _, ck := range checks {
		full := frame(name, body, ck.newHash)
		for _, flip := range []struct {
			where string
			at    int
			hint  string
		}{
			{"in the name (\"data.bin\" became \"eata.bin\")", 2, "the checksum covers the header too: hash the header's bytes before the body's"},
			{"in the first byte of the body", hdr, "hash every byte of the body as it passes: io.MultiWriter(w, h)"},
			{"in the middle of the body", hdr + 500, "hash every byte of the body as it passes: io.MultiWriter(w, h)"},
			{"in the last byte of the body", hdr + 999, "hash every byte of the body, the last one too"},
			{"in the first byte of the checksum", hdr + 1000, "compare every byte of the checksum with h.Sum(nil) (hmac.Equal)"},
			{"in the last byte of the checksum", len(full) - 1, "compare every byte of the checksum with h.Sum(nil) (hmac.Equal)"},
		} {
			t.Run(ck.name+"/"+flip.where, func(t *testing.T) {
				bad := bytes.Clone(full)
				bad[flip.at] ^= 0x01
				var got bytes.Buffer
				_, err := stream.Receive(bytes.NewReader(bad), &got, ck.opts)
				require.ErrorIs(t, err, stream.ErrChecksum, "one bit flipped %s, with %s\nhint: %s", flip.where, ck.name, flip.hint)
			})
		}
	}
}

func TestReceiveRejectsHeaders(t *testing.T) {
	const limit = 1000
	opts := &stream.Options{MaxSize: limit}
	for _, tc := range []struct {
		name     string
		frame    []byte // a header, and bytes enough after it for a body
		mayRead  int    // how much of it Receive may read
		hint     string
		defaults bool // use the default Options
	}{
		{"an empty name", header("", 10), len(header("", 10)), "a name has at least one byte", false},
		{"a name longer than MaxNameLength", header(strings.Repeat("n", stream.MaxNameLength+1), 10), 2,
			"check the name's length before reading the name", false},
		{"a name length of 65535", binary.BigEndian.AppendUint16(nil, math.MaxUint16), 2,
			"check the name's length before reading the name", false},
		{"../../.bashrc", header("../../.bashrc", 10), len(header("../../.bashrc", 10)),
			"a name is one file name: no '/' — the receiver may use it as a path", false},
		{"dir\\file", header(`dir\file`, 10), len(header(`dir\file`, 10)), "no '\\\\' either: Windows paths", false},
		{"..", header("..", 10), len(header("..", 10)), "not \".\" or \"..\"", false},
		{"a NUL byte", header("a\x00b", 10), len(header("a\x00b", 10)), "no NUL: C APIs stop there", false},
		{"invalid UTF-8", header("\xff\xfe", 10), len(header("\xff\xfe", 10)), "utf8.ValidString", false},
		{"a size over MaxSize", header("big.bin", limit+1), len(header("big.bin", 0)),
			"compare the size with Options.MaxSize (0 means DefaultMaxSize) before reading the body", false},
		{"a size of 2^62 with the default limit", header("huge.bin", 1<<62), len(header("huge.bin", 0)),
			"compare the size with DefaultMaxSize when Options.MaxSize is 0 — and never make([]byte, size)", true},
		{"a size of 2^63 (negative as an int64)", header("neg.bin", 1<<63), len(header("neg.bin", 0)),
			"compare the size as a uint64: converted to int64 first it turns negative and passes any limit", false},
		{"a size of 2^64-1", header("max.bin", math.MaxUint64), len(header("max.bin", 0)),
			"compare the size as a uint64: converted to int64 first it turns negative and passes any limit", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts
			if tc.defaults {
				o = nil
			}
			src := &countingReader{r: bytes.NewReader(append(bytes.Clone(tc.frame), randomBytes(4096)...))}
			var got bytes.Buffer
			var err error
			koantest.Do(t, "receiving a frame with a bad header", func() { _, err = stream.Receive(src, &got, o) })
			limits := fmt.Sprintf("Options.MaxSize is %d", limit)
			if tc.defaults {
				limits = "nil Options: the limit is DefaultMaxSize"
			}
			require.ErrorIs(t, err, stream.ErrHeader, "a header with %s must be refused (%s)\nhint: %s", tc.name, limits, tc.hint)
			require.Zero(t, got.Len(), "Receive wrote %d bytes of a file whose header it refused", got.Len())
			require.LessOrEqual(t, src.n, tc.mayRead, "Receive read %d bytes before refusing a header with %s; it could have stopped after %d\nhint: %s",
				src.n, tc.name, tc.mayRead, tc.hint)
		})
	}
	t.Run("a size of exactly MaxSize", func(t *testing.T) {
		body := randomBytes(limit)
		var got bytes.Buffer
		_, err := stream.Receive(bytes.NewReader(frame("max.bin", body, crc32c)), &got, opts)
		require.NoError(t, err, "MaxSize is the largest size accepted, not the first refused")
		koantest.Same(t, body, got.Bytes(), "the body of a file of exactly MaxSize bytes")
	})
}

// Anyone can compute a CRC-32C or a SHA-256: a checksum sent in the same
// stream as the data catches accidents, not an attacker who rewrites both.
// An HMAC needs the key.
func TestChecksumsAndTampering(t *testing.T) {
	const name = "order.txt"
	forged := []byte("pay mallory 1000000 euros")
	for _, tc := range []struct {
		check    string
		opts     *stream.Options
		attacker func() hash.Hash // the best checksum the attacker can compute
		caught   bool
	}{
		{"CRC-32C", nil, crc32c, false},
		{"SHA-256", &stream.Options{Hash: sha256.New}, sha256.New, false},
		{"HMAC-SHA-256", &stream.Options{Hash: hmacSHA256}, func() hash.Hash { return hmac.New(sha256.New, []byte("a guess")) }, true},
	} {
		t.Run(tc.check, func(t *testing.T) {
			var got bytes.Buffer
			_, err := stream.Receive(bytes.NewReader(frame(name, forged, tc.attacker)), &got, tc.opts)
			if tc.caught {
				require.ErrorIs(t, err, stream.ErrChecksum, "a frame forged without the HMAC's key must be refused\nhint: use Options.Hash for both ends' checksums")
			} else {
				require.NoError(t, err, "a frame rewritten with a fresh %s is accepted: a checksum without a secret proves no one's identity", tc.check)
			}
		})
	}
}

// pattern reads n bytes cycling through a block, copying, allocating
// nothing: a file of any size without the memory.
type pattern struct {
	block []byte
	off   int
	n     int64
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	c := copy(b, p.block[p.off:])
	p.off = (p.off + c) % len(p.block)
	p.n -= int64(c)
	return c, nil
}

var block = randomBytes(64<<10 + 13)

// writerOnly hides every method but Write, so that io.Copy cannot take a
// shortcut (ReadFrom) and the copy really goes through a buffer.
type writerOnly struct{ io.Writer }

// allocated returns the bytes allocated on the heap while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Memory must stay flat whatever the size: a 32 MiB file costs what a
// 1 MiB one does. Not parallel: the allocation counter is process-wide.
func TestMemoryStaysFlat(t *testing.T) {
	const small, large = 1 << 20, 32 << 20
	sendCost := func(size int64) (n uint64, err error) {
		n = allocated(func() {
			err = stream.Send(writerOnly{io.Discard}, stream.Header{Name: "f.bin", Size: size}, &pattern{block: block, n: size}, nil)
		})
		return n, err
	}
	receiveCost := func(size int64) (n uint64, err error) {
		h := crc32c()
		hdr := header("f.bin", uint64(size))
		h.Write(hdr)
		io.Copy(h, &pattern{block: block, n: size})
		src := io.MultiReader(bytes.NewReader(hdr), &pattern{block: block, n: size}, bytes.NewReader(h.Sum(nil)))
		n = allocated(func() { _, err = stream.Receive(src, writerOnly{io.Discard}, nil) })
		return n, err
	}
	for _, tc := range []struct {
		name string
		cost func(int64) (uint64, error)
	}{{"Send", sendCost}, {"Receive", receiveCost}} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cost(small) // warm up: one-off allocations (tables, pools) are not the point
			a, err := tc.cost(small)
			require.NoError(t, err, "%s of a 1 MiB file", tc.name)
			b, err := tc.cost(large)
			require.NoError(t, err, "%s of a 32 MiB file", tc.name)
			const hint = "\nhint: io.ReadAll, a bytes.Buffer or make([]byte, size) hold the whole file; copy through one buffer of BufferSize bytes (io.CopyBuffer)"
			if b > a+1<<20 {
				t.Fatalf("%s allocated %d KiB for a 1 MiB file and %d KiB for a 32 MiB one: memory grows with the file%s", tc.name, a>>10, b>>10, hint)
			}
			if b > 2<<20 {
				t.Fatalf("%s allocated %d KiB for a 32 MiB file: far more than its buffer of %d KiB%s", tc.name, b>>10, stream.BufferSize>>10, hint)
			}
		})
	}
}

func FuzzReceive(f *testing.F) {
	full := frame("data.bin", randomBytes(100), crc32c)
	f.Add(full)
	f.Add(full[:50])
	f.Add(frame("a", nil, crc32c))
	f.Add(append(frame("one", []byte("1"), crc32c), frame("two", []byte("22"), crc32c)...))
	f.Add(header("../x", 3))
	f.Add(header("big", 1<<63))
	f.Add([]byte{})
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		var got bytes.Buffer
		h, err := stream.Receive(r, &got, &stream.Options{MaxSize: limit})
		read := len(data) - r.Len()
		switch {
		case err == nil:
			require.Equal(t, frame(h.Name, got.Bytes(), crc32c), data[:read], "an accepted frame is exactly what Send would write")
		case len(data) == 0:
			require.True(t, err == io.EOF, "empty input: %v", err)
		case errors.Is(err, stream.ErrHeader):
			require.Zero(t, got.Len(), "a refused header, yet bytes were written")
			require.LessOrEqual(t, read, 2+stream.MaxNameLength+8)
		case errors.Is(err, stream.ErrTruncated), errors.Is(err, stream.ErrChecksum):
		default:
			t.Fatalf("unexpected error %v", err)
		}
		require.LessOrEqual(t, got.Len(), limit)
	})
}

// noChecksum checks nothing: Send and Receive with it cost the framing
// alone, which tells the header's cost from the checksum's.
type noChecksum struct{}

func (noChecksum) Write(p []byte) (int, error) { return len(p), nil }
func (noChecksum) Sum(b []byte) []byte         { return b }
func (noChecksum) Reset()                      {}
func (noChecksum) Size() int                   { return 0 }
func (noChecksum) BlockSize() int              { return 1 }

// Throughput over loopback TCP, with b.SetBytes: raw io.Copy of the same
// bytes through a buffer of the same size; Send and Receive with no
// checksum (the framing's cost), with CRC-32C (the default) and with
// SHA-256. Compare MB/s; B/op shows that memory does not grow with the
// size. Run with -count 6 and compare with benchstat -col /check.
func BenchmarkTransfer(b *testing.B) {
	for _, size := range []int64{1 << 20, 16 << 20} {
		for _, mode := range []struct {
			check string
			opts  *stream.Options
		}{
			{"raw", nil},
			{"framing", &stream.Options{Hash: func() hash.Hash { return noChecksum{} }}},
			{"crc32c", nil},
			{"sha256", &stream.Options{Hash: sha256.New}},
		} {
			b.Run(fmt.Sprintf("size=%dMiB/check=%s", size>>20, mode.check), func(b *testing.B) {
				client, server := tcpPair(b)
				send, receive := func() error {
					return stream.Send(client, stream.Header{Name: "bench.bin", Size: size}, &pattern{block: block, n: size}, mode.opts)
				}, func() error {
					_, err := stream.Receive(server, writerOnly{io.Discard}, mode.opts)
					return err
				}
				if mode.check == "raw" {
					send = func() error {
						_, err := io.CopyBuffer(writerOnly{client}, &pattern{block: block, n: size}, make([]byte, stream.BufferSize))
						return err
					}
					receive = func() error {
						n, err := io.CopyBuffer(writerOnly{io.Discard}, io.LimitReader(server, size), make([]byte, stream.BufferSize))
						if err == nil && n < size {
							err = io.ErrUnexpectedEOF
						}
						return err
					}
				}
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					sent := make(chan error, 1)
					go func() { sent <- send() }()
					if err := receive(); err != nil {
						b.Fatal(err)
					}
					if err := <-sent; err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
