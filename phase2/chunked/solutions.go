//go:build solutions

package chunked

import ref "github.com/netkoans/netkoans/solutions/phase2/chunked"

type Reader = ref.Reader

const (
	MaxLineLength       = ref.MaxLineLength
	MaxTrailerSize      = ref.MaxTrailerSize
	DefaultMaxChunkSize = ref.DefaultMaxChunkSize
	TrailerSum          = ref.TrailerSum
)

var (
	ErrSize     = ref.ErrSize
	ErrTooLarge = ref.ErrTooLarge
	ErrTooLong  = ref.ErrTooLong
	ErrCRLF     = ref.ErrCRLF
	ErrTrailer  = ref.ErrTrailer
	NewReader   = ref.NewReader
	Stream      = ref.Stream
)
