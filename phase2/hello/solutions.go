//go:build solutions

package hello

import ref "github.com/netkoans/netkoans/solutions/phase2/hello"

const MaxNameLen = ref.MaxNameLen

var (
	Hello      = ref.Hello
	Health     = ref.Health
	NewHandler = ref.NewHandler
)
