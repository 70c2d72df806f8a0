// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package redirects

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/netkoans/netkoans/internal/todo"
)

// DefaultMaxRedirects is the hop limit when Follower.MaxRedirects is 0:
// Go's client stops after 10 redirects too.
const DefaultMaxRedirects = 10

var (
	// ErrTooManyRedirects is returned (wrapped) by Follower.Do when the
	// response to the request made after MaxRedirects redirects is still a
	// redirect.
	ErrTooManyRedirects = errors.New("redirects: too many redirects")

	// ErrRedirectLoop is returned (wrapped) by Follower.Do when a redirect
	// leads back to a request already made in the same chain.
	ErrRedirectLoop = errors.New("redirects: redirect loop")
)

// NextMethod says how to make the request that follows a response with
// status code to a request made with method.
//
// For 301, 302 and 303, GET and HEAD stay as they are and every other
// method becomes GET, sent without a body: keepBody is false. For 307 and
// 308 the method and the body are kept: keepBody is true. follow is false
// for every other status (300, 304, 305, 306, and anything not 3xx): the
// response is not a redirect to follow.
func NextMethod(code int, method string) (next string, keepBody, follow bool) {
	return method, false, false
}

// SameOrigin reports whether a and b have the same origin (RFC 6454): the
// same scheme, the same host (compared without regard to case) and the same
// port, where a missing port is the scheme's default (80 for http, 443 for
// https). Paths, queries and user info do not matter. A subdomain is another
// origin, and so is another port on the same host.
func SameOrigin(a, b *url.URL) bool {
	return false
}

// Follower follows redirects by hand, with a policy stricter than
// http.Client's own.
type Follower struct {
	// Client sends each request of the chain. Do never lets it follow a
	// redirect itself: it sends every hop with a copy of Client whose
	// CheckRedirect returns http.ErrUseLastResponse. Client itself is not
	// modified. Nil means http.DefaultClient.
	//
	// Client.Timeout bounds each hop, not the whole chain: bound the chain
	// with the request's context.
	Client *http.Client

	// MaxRedirects is the most redirects Do follows: a chain of
	// MaxRedirects redirects makes MaxRedirects+1 requests. 0 means
	// DefaultMaxRedirects.
	MaxRedirects int
}

// Do sends req and follows the redirects in the response, and returns the
// first response that is not a redirect to follow, or the redirect itself
// when it has no Location header or when its body cannot be sent again.
//
// Each hop:
//   - is sent with the method NextMethod gives; when keepBody is false the
//     body and the headers that describe it (Content-Type,
//     Content-Encoding, Content-Language, Content-Location) are dropped for
//     the rest of the chain;
//   - goes to the Location header resolved against the URL of the request
//     that got the redirect (Location may be relative: "/a", "b", "../c",
//     "?q=1", "//host/d"); only http and https are followed;
//   - resends the body of 307 and 308 through req.GetBody. If req has a body
//     but no GetBody, the body cannot be sent again and Do returns the 307
//     or 308 response;
//   - carries the headers of the first request, except that Authorization,
//     Proxy-Authorization, WWW-Authenticate, Cookie and Cookie2 are dropped
//     from the first hop whose URL is not SameOrigin as req.URL, and stay
//     dropped for the rest of the chain even if it comes back;
//   - uses req's context.
//
// A redirect to a method and URL already requested in this chain fails
// with an error wrapping ErrRedirectLoop, and one more redirect than
// MaxRedirects with an error wrapping ErrTooManyRedirects; neither makes
// another request. On an error Do returns a nil response. The body of every
// response Do does not return is read (a little) and closed, so that its
// connection can carry the next hop.
func (f *Follower) Do(req *http.Request) (*http.Response, error) {
	return nil, todo.Err
}
