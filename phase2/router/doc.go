// Package router is a koan: a mini-router built on [http.ServeMux] patterns —
// method routes, path parameters, groups with their own middleware, and
// mounting a handler under a prefix.
//
// # The lesson
//
// Since Go 1.22 the standard [http.ServeMux] is a real router. A pattern
// names a method, an optional host and a path with wildcards:
//
//	mux.HandleFunc("GET /users/{id}", getUser)          // r.PathValue("id")
//	mux.HandleFunc("GET /files/{path...}", getFile)     // the rest of the path
//	mux.HandleFunc("GET /{$}", home)                    // exactly "/", nothing below
//
// Patterns are unescaped segment by segment, so "/users/a%2Fb" matches
// "/users/{id}" with id "a/b": an escaped slash is not a separator. When two
// patterns match, the more specific wins ("/users/me" beats "/users/{id}");
// two patterns neither of which is more specific conflict, and registering
// the second panics — at start-up, not on the day a request hits both.
//
// ServeMux also answers what no handler should have to:
//
//   - a path no pattern matches is 404 Not Found;
//   - a path that matches, but only with other methods, is 405 Method Not
//     Allowed with an Allow header listing them (RFC 9110 §15.5.6) — "GET"
//     also answers HEAD, so it lists "GET, HEAD";
//   - a pattern ending in "/" is a subtree: "GET /docs/" matches
//     "/docs/a/b", and a request for "/docs" is redirected to "/docs/"
//     (307 Temporary Redirect, which keeps the method and body; older Go
//     answered 301), unless "/docs" has a route of its own;
//   - "{$}" ends a pattern: "/{$}" is only "/", while "/" is every path —
//     the classic mistake is a "GET /" home page that answers every GET in
//     the API with 200;
//   - a pattern without a trailing slash matches only itself: "GET /plain"
//     is not "/plain/".
//
// What ServeMux lacks is structure: grouping routes under a prefix
// ("/api/v1"), giving a group its own middleware (authentication on
// "/admin", not on "/login"), and mounting a whole sub-application. That is
// what chi and gorilla/mux are still widely used for, and what you build
// here, as a thin layer: every route is registered straight on one ServeMux,
// so matching, 404, 405 and redirects stay ServeMux's — fast and correct.
//
// Middleware is composed once, when a route is registered, around that
// route's handler. So it runs after the match: it sees r.Pattern (handy for
// metrics labelled by route) and r.PathValue (an ownership check on
// "/users/{id}"). Middleware wrapped around the whole mux runs before the
// match and sees neither. Composition order is the reading order: after
// Use(a, b), a runs first, b inside it, then the handler.
//
// A group starts with a copy of its parent's middleware. Not the slice
// itself: two sibling groups that append to one backing array overwrite each
// other's middleware, and the admin check lands on the public routes.
//
// Mounting hands a subtree to another handler — another router, a
// [http.FileServer], pprof — with the prefix stripped as [http.StripPrefix]
// does it (Path and RawPath both). The mount has no method, so the mounted
// handler's own 405 and Allow header reach the client. Its prefix must be
// literal: a ServeMux inside the mounted handler matches afresh and forgets
// the outer match's path values, so "/users/{id}" is a job for a group.
// One trap remains that this koan does not fix: a mounted ServeMux's own
// trailing-slash redirect does not know the prefix ("/users" → "/users/",
// not "/api/users/"), so give mounted subtrees a route without the slash,
// or "{$}".
//
// # What to build
//
//   - New, and ServeHTTP that serves the ServeMux.
//   - Handle and HandleFunc: the prefix in front of the pattern's path, the
//     middleware around the handler.
//   - Use, and Group: a prefix and a copy of the middleware.
//   - Mount: a method-less subtree pattern and http.StripPrefix.
//
// # Traps the tests will catch
//
//   - 404 where the path exists with another method, or 405 without Allow;
//   - joining prefixes with path.Join, which drops the trailing slash that
//     makes a subtree (and cleans away more);
//   - "{$}" and trailing-slash rules broken in groups;
//   - middleware in the wrong order, wrapped around the whole mux (no path
//     values), leaking into sibling groups, or added to routes registered
//     before Use;
//   - a group prefix with a wildcard, "/users/{id}", that loses its value;
//   - a mount that answers 405 itself, matches "/apix" for "/api", or
//     strips Path but not RawPath;
//   - a bad or conflicting pattern that does not panic.
//
// The benchmark runs one route table — about 50 routes from a real API —
// through your router, a plain ServeMux, chi and gorilla/mux. A thin layer
// costs next to nothing: your router should be within a few percent of a
// plain ServeMux, and allocate no more.
//
// # Try it
//
// Serve a router from a scratch main:
//
//	r := router.New()
//	r.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, req *http.Request) {
//		fmt.Fprintln(w, "user", req.PathValue("id"))
//	})
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", r))
//
// then `curl -i -X DELETE localhost:8080/users/7` shows the 405 and its
// Allow header, and `curl -i localhost:8080/users/a%2Fb` the escaped slash.
//
// Read: [http.ServeMux], [http.Request.PathValue], [http.Request.Pattern],
// [http.StripPrefix], [net/url.URL.EscapedPath].
package router
