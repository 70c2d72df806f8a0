// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package router

import (
	"net/http"

	"github.com/netkoans/netkoans/internal/todo"
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
	// Add what you need: the ServeMux, the prefix, the middleware.
}

// New returns a Router with no routes and no middleware, on a new
// http.ServeMux.
func New() *Router {
	return &Router{}
}

// ServeHTTP dispatches req to the handler of the route that matches it, as
// http.ServeMux.ServeHTTP does.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	http.Error(w, todo.Text, http.StatusNotImplemented)
}

// Use appends middleware to r. After Use(a, b), a request to a route
// registered on r afterwards runs a, then b, then the route's handler: the
// first middleware is the outermost. Routes registered before the call keep
// the middleware they had.
func (r *Router) Use(mw ...Middleware) {
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
}

// HandleFunc registers the handler function h for pattern, as Handle does.
func (r *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
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
	return r
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
}
