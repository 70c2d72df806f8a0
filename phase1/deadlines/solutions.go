//go:build solutions

package deadlines

import ref "github.com/netkoans/netkoans/solutions/phase1/deadlines"

const (
	DefaultIdleTimeout  = ref.DefaultIdleTimeout
	DefaultWriteTimeout = ref.DefaultWriteTimeout
	MaxLine             = ref.MaxLine
	Goodbye             = ref.Goodbye
)

type Server = ref.Server
