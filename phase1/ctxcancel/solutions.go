//go:build solutions

package ctxcancel

import ref "github.com/netkoans/netkoans/solutions/phase1/ctxcancel"

const DefaultTimeout = ref.DefaultTimeout

type Dialer = ref.Dialer

var ReadContext = ref.ReadContext
