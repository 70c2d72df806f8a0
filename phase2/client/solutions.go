//go:build solutions

package client

import ref "github.com/netkoans/netkoans/solutions/phase2/client"

const (
	DefaultTimeout        = ref.DefaultTimeout
	DefaultAttemptTimeout = ref.DefaultAttemptTimeout
	DefaultMaxAttempts    = ref.DefaultMaxAttempts
	DefaultBaseDelay      = ref.DefaultBaseDelay
	DefaultMaxDelay       = ref.DefaultMaxDelay
	MaxDrain              = ref.MaxDrain
)

type Client = ref.Client

var (
	New             = ref.New
	Backoff         = ref.Backoff
	ParseRetryAfter = ref.ParseRetryAfter
)
