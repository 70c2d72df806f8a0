//go:build solutions

package stream

import ref "github.com/netkoans/netkoans/solutions/phase1/stream"

type (
	Header  = ref.Header
	Options = ref.Options
)

const (
	BufferSize     = ref.BufferSize
	MaxNameLength  = ref.MaxNameLength
	DefaultMaxSize = ref.DefaultMaxSize
)

var (
	ErrHeader    = ref.ErrHeader
	ErrTruncated = ref.ErrTruncated
	ErrChecksum  = ref.ErrChecksum

	Send    = ref.Send
	Receive = ref.Receive
)
