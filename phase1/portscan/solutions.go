//go:build solutions

package portscan

import ref "github.com/netkoans/netkoans/solutions/phase1/portscan"

type (
	State   = ref.State
	Result  = ref.Result
	Scanner = ref.Scanner
)

const (
	Open           = ref.Open
	Closed         = ref.Closed
	Filtered       = ref.Filtered
	DefaultTimeout = ref.DefaultTimeout
)
