//go:build solutions

package redirects

import ref "github.com/netkoans/netkoans/solutions/phase2/redirects"

type Follower = ref.Follower

const DefaultMaxRedirects = ref.DefaultMaxRedirects

var (
	ErrTooManyRedirects = ref.ErrTooManyRedirects
	ErrRedirectLoop     = ref.ErrRedirectLoop
	NextMethod          = ref.NextMethod
	SameOrigin          = ref.SameOrigin
)
