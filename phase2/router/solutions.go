//go:build solutions

package router

import ref "github.com/netkoans/netkoans/solutions/phase2/router"

type (
	Middleware = ref.Middleware
	Router     = ref.Router
)

var New = ref.New
