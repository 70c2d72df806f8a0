//go:build solutions

package restapi

import ref "github.com/netkoans/netkoans/solutions/phase2/restapi"

const MaxBodyBytes = ref.MaxBodyBytes

type (
	Todo  = ref.Todo
	Store = ref.Store
)

var (
	NewStore   = ref.NewStore
	NewHandler = ref.NewHandler
)
