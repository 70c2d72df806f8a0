// Package stream is a koan about sending large files over TCP: framing,
// checksums, and memory that stays flat however large the file.
//
// # The lesson
//
// TCP delivers bytes in order or not at all, so why check anything? Because
// a connection can end early — the sender crashed, a proxy timed out, a
// laptop lid closed — and a receiver that simply reads until EOF cannot tell
// a whole file from half of one. And because TCP's own checksum is 16 bits
// wide and weak: over billions of packets, corrupted data that passes it
// does happen (a bad NIC, a broken middlebox, memory that flips a bit), and
// nothing after the socket notices. So a file goes out in a frame:
//
//	name length  2 bytes, big-endian       a small header: what the file
//	name         that many bytes           is, and how long
//	size         8 bytes, big-endian
//	body         size bytes
//	checksum     of everything above       proof the bytes arrived intact
//
// The size announces where the body ends, so a stream that stops short is
// truncated, not merely finished, and one connection can carry many files.
// The checksum, computed by both ends as the bytes pass, catches the rest.
// [encoding/binary]'s BigEndian.AppendUint16 and AppendUint64 write the
// header; [io.ReadFull] reads it back.
//
// Choosing the checksum. CRC-32C ([hash/crc32] with [hash/crc32.Castagnoli]) is
// what iSCSI, ext4, SCTP and many storage systems use: it detects every
// burst error up to 32 bits and random corruption with odds of 1 in 4
// billion, and Go computes it with the CPU's CRC32 instruction (SSE4.2,
// arm64 CRC) at 10-20 GB/s on one core — several times what one TCP
// connection carries, even over loopback — so it costs little. It is the
// default here. But a CRC has no secret and is
// linear: anyone who can change the bytes can fix the CRC, so it detects
// accidents, not attacks. SHA-256 ([crypto/sha256]) is a cryptographic hash:
// nobody can make other bytes with the same digest, so it catches tampering
// — provided the expected digest comes from somewhere the attacker cannot
// write (a signed release manifest, a database). A digest sent in the same
// stream as the data stops nobody who can rewrite both; for that, key it:
// an HMAC ([crypto/hmac], hmac.New(sha256.New, key)) needs a secret both
// ends share — or run the stream over TLS, whose AEAD authenticates every
// record. SHA-256 runs at a GB/s or two with the CPU's SHA extensions, and
// several times slower without: slower than a loopback connection, so there
// the hash sets the pace. The benchmark shows what each costs on your
// machine. Options.Hash takes a
// constructor, so all of these plug in; the receiver chooses it, never the
// sender (a sender who could pick would pick the weakest).
//
// Flat memory. [io.ReadAll] of a 10 GB file needs 10 GB of RAM; a receiver
// that does make([]byte, size) with a size from the header lets any client
// choose how much memory it takes. Stream instead: one buffer, reused —
// [io.CopyBuffer] from an [io.LimitReader] (exactly size bytes, never more)
// to an [io.MultiWriter] that feeds both the destination and the hash.
// [io.Copy] returns nil at EOF however few bytes came, so compare its count
// with the size: that comparison is the truncation check. Memory then stays
// the same for a kilobyte and a terabyte.
//
// Trust nothing from the wire. Bound each length before reading what it
// announces; refuse a declared size above your limit before reading the
// body (and compare it as the unsigned number it is: as an int64, 2^63 is
// negative and passes any limit); refuse names a path could be built from
// ("../../.bashrc"). And remember that the body reaches your writer before
// its checksum can be checked: write it to a temporary file ([os.CreateTemp]
// in the target directory, opened through an [os.Root]) and rename it into
// place only when Receive returns nil.
//
// Zero copy. io.Copy from an [*os.File] to a [*net.TCPConn] uses sendfile(2)
// and the bytes never enter your process — the fastest way to serve a file,
// and the reason it cannot be checksummed on the way. The raw io.Copy in
// the benchmark goes through a buffer like Send does, so that it measures
// the checksum and nothing else.
//
// # What to build
//
//   - Send: the header, the body through one buffer of BufferSize bytes, the
//     checksum.
//   - Receive: the same in reverse, with every check above, reporting
//     ErrHeader, ErrTruncated or ErrChecksum, or io.EOF between files.
//
// # Traps the tests will catch
//
//   - truncation: a stream cut in the header, the body or the checksum
//     taken for a whole file (io.Copy's nil at EOF), or a short body sent
//     with a valid checksum;
//   - corruption: one flipped bit anywhere — name, body, checksum — left
//     unnoticed, or the header left out of the checksum;
//   - memory that grows with the file: io.ReadAll, bytes.Buffer,
//     make([]byte, size) (the tests count the bytes allocated for 1 MiB and
//     32 MiB);
//   - a header trusted: a name that is a path, a length read before it is
//     checked, a size over the limit or over 2^63;
//   - a Receive that reads past its frame (a bufio.Reader of its own) and
//     loses the next file;
//   - the wrong CRC (IEEE instead of Castagnoli), or Options.Hash ignored.
//
// The benchmark sends 1 MiB and 16 MiB files over loopback TCP, raw and
// with each checksum:
//
//	go test -run '^$' -bench Transfer -count 6 ./phase1/stream > bench.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /check bench.txt
//
// "framing" is Send and Receive with a checksum that checks nothing: the
// header and the extra calls cost next to nothing. On loopback the "wire"
// is a memory copy and both ends share the same cores, so every cycle of
// hashing shows: CRC-32C costs a noticeable slice (15-20% with two cores),
// SHA-256 several times more. Across a real network link, far slower than
// either hash, CRC-32C disappears in the noise; SHA-256 does too at 1 Gb/s,
// not at 10. B/op is
// the same for 1 MiB and 16 MiB: memory stays flat. There is a fuzz target
// for Receive, too (-fuzz FuzzReceive).
//
// # Try it
//
// Send a file from a scratch main (os.Open, Stat for the size, Send to a
// net.Dial'd conn), receive it with another (Receive from an accepted conn
// into os.CreateTemp), then watch what truncation looks like: kill the
// sender halfway through a large file, or put a relay that drops bytes in
// between — `ncat -l 9001 -c 'head -c 1000000 | ncat 127.0.0.1 9000'`.
//
// Read: [io.CopyBuffer], [io.LimitReader], [io.MultiWriter], [io.ReadFull],
// [hash.Hash], [hash/crc32.MakeTable], [crypto/hmac.Equal], [encoding/binary].
package stream
