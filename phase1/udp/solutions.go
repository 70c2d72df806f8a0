//go:build solutions

package udp

import ref "github.com/netkoans/netkoans/solutions/phase1/udp"

type (
	Receiver = ref.Receiver
	Sender   = ref.Sender
)

var (
	ErrTooLarge = ref.ErrTooLarge
	Listen      = ref.Listen
	Dial        = ref.Dial
)
