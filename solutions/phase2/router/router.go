//go:build solutions

// Package router is the reference answer to the phase2/router koan.
package router

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Middleware wraps a handler in another: it may act before and after calling
// next, or answer the request itself and not call next at all.
type Middleware func(next http.Handler) http.Handler

// Router registers routes on an [http.ServeMux], with a path prefix in front
// of each pattern and the router's middleware around each handler.
//
// Matching is the ServeMux's own, so its rules hold unchanged: the most
// specific pattern wins, a path with no route is 404 Not Found, a path whose
// routes all have other methods is 405 Method Not Allowed with an Allow
// header, GET also answers HEAD, "/docs" is redirected to "/docs/" when only
// the subtree "/docs/" is registered, and "{$}" ends a path.
//
// A Router made by Group shares its parent's ServeMux: serve the one New
// returned. Set routers up (Use, Handle, Group, Mount) from one goroutine;
// ServeHTTP is safe for concurrent use, also while routes are added.
type Router struct {
	mux    *http.ServeMux
	prefix string       // "" or "/…" without a trailing slash
	mw     []Middleware // outermost first
}

// New returns a Router with no routes and no middleware, on a new
// http.ServeMux.
func New() *Router {
	return &Router{mux: http.NewServeMux()}
}

// ServeHTTP dispatches req to the handler of the route that matches it, as
// http.ServeMux.ServeHTTP does.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// Nothing to add: every route carries its middleware already, so a
	// request costs what a plain ServeMux costs.
	r.mux.ServeHTTP(w, req)
}

// Use appends middleware to r. After Use(a, b), a request to a route
// registered on r afterwards runs a, then b, then the route's handler: the
// first middleware is the outermost. Routes registered before the call keep
// the middleware they had.
func (r *Router) Use(mw ...Middleware) {
	r.mw = append(r.mw, mw...)
}

// Handle registers h for pattern, an http.ServeMux pattern
// "[METHOD ][HOST]/[PATH]" such as "GET /users/{id}". r's prefix goes in
// front of PATH: in Group("/users"), "GET /{id}" is registered as
// "GET /users/{id}", "GET /{$}" as "GET /users/{$}" (exactly "/users/") and
// "GET /" as the subtree "GET /users/".
//
// r's middleware wraps h, and runs after the ServeMux has matched the
// request: middleware and handler alike see req.Pattern (the full pattern,
// prefix included) and req.PathValue.
//
// Like http.ServeMux.Handle, Handle panics if the pattern is invalid or
// conflicts with one already registered.
func (r *Router) Handle(pattern string, h http.Handler) {
	if h == nil {
		panic("router: nil handler for " + pattern)
	}
	// ServeMux panics itself on a bad or conflicting pattern, naming the
	// line that registered the other one: a route table with a mistake
	// must not start serving.
	r.mux.Handle(join(r.prefix, pattern), r.wrap(h))
}

// HandleFunc registers the handler function h for pattern, as Handle does.
func (r *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	if h == nil {
		panic("router: nil handler for " + pattern)
	}
	r.Handle(pattern, http.HandlerFunc(h))
}

// Group returns a Router for routes under prefix, on the same ServeMux as r.
// prefix is "" (same paths, only the middleware differs) or a path starting
// with "/", such as "/api" or "/users/{id}"; a trailing "/" is dropped. It is
// appended to r's own prefix.
//
// The group starts with r's middleware as it is now; Use on the group adds
// to the group only, and Use on r afterwards does not reach the group.
// Group panics if prefix is not "" and does not start with "/".
func (r *Router) Group(prefix string) *Router {
	return &Router{
		mux:    r.mux,
		prefix: r.prefix + cleanPrefix("Group", prefix),
		// A copy, not r.mw itself: two groups appending to one backing
		// array would overwrite each other's middleware.
		mw: slices.Clone(r.mw),
	}
}

// Mount serves every request under prefix with h, whatever its method: h
// sees the path with the prefix removed, as with http.StripPrefix, so
// "/api/users/7" reaches h as "/users/7" (and "/api/" as "/"). A request for
// the prefix itself, "/api", is redirected to "/api/". Below the prefix h
// alone decides: its own 404s, and its 405s with their Allow header, reach
// the client. r's middleware wraps h.
//
// prefix is appended to r's prefix; a trailing "/" is dropped. Mount panics
// if prefix is not "" and does not start with "/", or if the whole prefix
// holds a wildcard: a ServeMux inside h matches afresh and would lose its
// value (use Group for "/users/{id}").
func (r *Router) Mount(prefix string, h http.Handler) {
	if h == nil {
		panic("router: nil handler mounted at " + prefix)
	}
	p := r.prefix + cleanPrefix("Mount", prefix)
	if strings.Contains(p, "{") {
		panic(fmt.Sprintf("router: Mount prefix %q holds a wildcard; use Group", p))
	}
	// No method in the pattern: the mounted handler decides, so its own
	// 405 and Allow header reach the client instead of the parent's.
	// "/api/" is a subtree, so ServeMux redirects "/api" to it.
	r.mux.Handle(p+"/", r.wrap(http.StripPrefix(p, h)))
}

// wrap puts r's middleware around h, once, at registration: the first
// middleware ends up outermost, and no request pays for composing a chain.
func (r *Router) wrap(h http.Handler) http.Handler {
	for _, mw := range slices.Backward(r.mw) {
		h = mw(h)
	}
	return h
}

// cleanPrefix checks a Group or Mount prefix and drops its trailing slash.
func cleanPrefix(fn, prefix string) string {
	if prefix != "" && prefix[0] != '/' {
		panic(fmt.Sprintf("router: %s prefix %q must be empty or start with \"/\"", fn, prefix))
	}
	return strings.TrimSuffix(prefix, "/")
}

// join puts prefix in front of the path of pattern "[METHOD ][HOST]/[PATH]",
// splitting the pattern exactly as ServeMux does.
func join(prefix, pattern string) string {
	if prefix == "" {
		return pattern
	}
	head, rest := "", pattern
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		rest = strings.TrimLeft(pattern[i+1:], " \t")
		head = pattern[:len(pattern)-len(rest)] // the method and its blanks
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return pattern // invalid: let ServeMux say why
	}
	return head + rest[:i] + prefix + rest[i:]
}
