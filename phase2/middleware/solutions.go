//go:build solutions

package middleware

import ref "github.com/netkoans/netkoans/solutions/phase2/middleware"

const RequestIDHeader = ref.RequestIDHeader

type (
	Middleware   = ref.Middleware
	StatusWriter = ref.StatusWriter
)

var (
	Chain           = ref.Chain
	NewStatusWriter = ref.NewStatusWriter
	Recover         = ref.Recover
	Log             = ref.Log
	RequestID       = ref.RequestID
	RequestIDFrom   = ref.RequestIDFrom
)
