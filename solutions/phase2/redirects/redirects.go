//go:build solutions

// Package redirects is the reference answer to the phase2/redirects koan.
package redirects

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
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
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther:
		// 303 means "GET the result over there". 301 and 302 were meant to
		// keep the method, but browsers turned POST into GET from the
		// start; RFC 9110 §15.4.2–3 blesses it, and Go goes further and
		// turns every method but GET and HEAD into GET (issue 18570).
		if method == http.MethodGet || method == http.MethodHead {
			return method, false, true
		}
		return http.MethodGet, false, true
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		// 307 and 308 exist precisely to say "same method, same body".
		return method, true, true
	}
	return method, false, false
}

// SameOrigin reports whether a and b have the same origin (RFC 6454): the
// same scheme, the same host (compared without regard to case) and the same
// port, where a missing port is the scheme's default (80 for http, 443 for
// https). Paths, queries and user info do not matter. A subdomain is another
// origin, and so is another port on the same host.
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		port(a) == port(b)
}

// port returns u's port, or its scheme's default port.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
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

// sensitiveHeaders carry credentials: they are sent only to the origin of
// the first request. The list is http.Client's.
var sensitiveHeaders = []string{
	"Authorization", "Proxy-Authorization", "Www-Authenticate",
	"Cookie", "Cookie2",
}

// bodyHeaders describe the request body: they go when the body goes
// (fetch.spec.whatwg.org, "HTTP-redirect fetch", as Go does).
var bodyHeaders = []string{
	"Content-Type", "Content-Encoding", "Content-Language", "Content-Location",
}

// maxDrain is how much of a redirect's body Do reads to keep its connection
// for the next hop. A redirect body is a few hundred bytes of HTML; beyond
// this, closing the connection is cheaper than reading on.
const maxDrain = 4 << 10

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
	client := http.DefaultClient
	if f.Client != nil {
		client = f.Client
	}
	// A copy, so that the caller's client is left as it was; the copy
	// shares its Transport, and so its pool of connections.
	hop := *client
	hop.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	limit := f.MaxRedirects
	if limit <= 0 {
		limit = DefaultMaxRedirects
	}

	first := req
	header := req.Header.Clone()
	if header == nil {
		header = make(http.Header)
	}
	// hasBody: net/http treats a nil Body and NoBody alike.
	hasBody := req.Body != nil && req.Body != http.NoBody
	getBody := req.GetBody
	stripped := false

	// A loop is a request made twice: same method, same URL. The method
	// counts: POST /form → 303 → GET /form is the classic
	// Post/Redirect/Get, not a loop.
	seen := map[string]bool{req.Method + " " + req.URL.String(): true}

	for redirects := 0; ; redirects++ {
		resp, err := hop.Do(req)
		if err != nil {
			return nil, err
		}
		next, keepBody, follow := NextMethod(resp.StatusCode, req.Method)
		loc := resp.Header.Get("Location")
		if !follow || loc == "" {
			return resp, nil
		}
		if keepBody && hasBody && getBody == nil {
			// The body went out with the last request and cannot be
			// rebuilt: let the caller decide, as http.Client does.
			return resp, nil
		}
		if redirects == limit {
			discard(resp)
			return nil, fmt.Errorf("%w: %d redirects, and %s answered %d again",
				ErrTooManyRedirects, redirects, req.URL, resp.StatusCode)
		}
		// Resolve against the URL that got the redirect, not the first
		// one: "b" after a hop to /x/a means /x/b.
		u, err := req.URL.Parse(loc)
		if err != nil {
			discard(resp)
			return nil, fmt.Errorf("redirects: bad Location %q from %s: %w", loc, req.URL, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			// Never let a server point the client at file:, ftp:, or a
			// scheme some custom RoundTripper might handle.
			discard(resp)
			return nil, fmt.Errorf("redirects: refusing to follow %d from %s to %q: not http or https",
				resp.StatusCode, req.URL, loc)
		}
		u.Fragment, u.RawFragment = "", "" // never sent; must not defeat the loop check
		key := next + " " + u.String()
		if seen[key] {
			discard(resp)
			return nil, fmt.Errorf("%w: %s %s was already requested (after %d redirects)",
				ErrRedirectLoop, next, u, redirects+1)
		}
		seen[key] = true

		if !keepBody && hasBody {
			// Once dropped, the body never comes back: a 303 then a 307
			// sends a GET with no body.
			hasBody, getBody = false, nil
			for _, h := range bodyHeaders {
				header.Del(h)
			}
		}
		// Compare with the first request, not the previous hop, and make
		// it sticky: A → B → A must not hand B's choice of A-URL the
		// credentials meant for A.
		if !stripped && !SameOrigin(first.URL, u) {
			stripped = true
			for _, h := range sensitiveHeaders {
				header.Del(h)
			}
		}

		var body io.ReadCloser
		if hasBody {
			if body, err = getBody(); err != nil {
				discard(resp)
				return nil, fmt.Errorf("redirects: rebuilding the body for %s: %w", u, err)
			}
		}
		nreq, err := http.NewRequestWithContext(first.Context(), next, u.String(), body)
		if err != nil {
			discard(resp)
			return nil, err
		}
		nreq.Header = header.Clone()
		if hasBody {
			nreq.ContentLength = first.ContentLength
			nreq.GetBody = getBody
		}
		// Read what is left of the redirect's body so the Transport can
		// reuse its connection for the next hop — most chains stay on one
		// host.
		discard(resp)
		req = nreq
	}
}

// discard reads a little of resp's body and closes it: a body read to EOF
// frees its connection for reuse; one closed early costs the connection.
func discard(resp *http.Response) {
	io.CopyN(io.Discard, resp.Body, maxDrain)
	resp.Body.Close()
}
