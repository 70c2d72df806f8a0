//go:build solutions

package server

import ref "github.com/netkoans/netkoans/solutions/phase2/server"

const (
	ReadHeaderTimeout = ref.ReadHeaderTimeout
	ReadTimeout       = ref.ReadTimeout
	WriteTimeout      = ref.WriteTimeout
	IdleTimeout       = ref.IdleTimeout
	MaxHeaderBytes    = ref.MaxHeaderBytes
)

var (
	New      = ref.New
	Draining = ref.Draining
	Shutdown = ref.Shutdown
)
