//go:build solutions

package gracefultcp

import ref "github.com/netkoans/netkoans/solutions/phase1/gracefultcp"

type Server = ref.Server

var ErrServerClosed = ref.ErrServerClosed
