//go:build solutions

package tcpecho

import ref "github.com/netkoans/netkoans/solutions/phase1/tcpecho"

type Client = ref.Client

var (
	Serve     = ref.Serve
	Handle    = ref.Handle
	NewClient = ref.NewClient
	Dial      = ref.Dial
)
