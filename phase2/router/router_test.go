package router_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/router"
)

// wildcard finds the wildcard names in a pattern: "{id}", "{path...}".
var wildcard = regexp.MustCompile(`\{([^{}.$]+)(\.\.\.)?\}`)

// echo answers with the pattern that matched and each path value:
// "GET /users/{id} id=7".
func echo(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(r.Pattern)
	for _, m := range wildcard.FindAllStringSubmatch(r.Pattern, -1) {
		fmt.Fprintf(&b, " %s=%s", m[1], r.PathValue(m[1]))
	}
	io.WriteString(w, b.String())
}

// trace is middleware that adds its name to the response's X-Trace header
// before calling next: the header lists the middleware in the order it ran.
func trace(name string) router.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-Trace", name)
			next.ServeHTTP(w, r)
		})
	}
}

// traced is a handler that adds "handler" to X-Trace and echoes.
func traced(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("X-Trace", "handler")
	echo(w, r)
}

// serve sends "method target" to h and returns the response; a handler that
// blocks fails the test instead of hanging it.
func serve(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	rec := httptest.NewRecorder()
	koantest.Do(t, "serving "+method+" "+target, func() { h.ServeHTTP(rec, req) })
	return rec
}

// want is the response a request must get. body, allow and location are
// compared exactly, "" included: a 404 has no Allow header.
type want struct {
	code     int
	body     string // compared for 200s only
	allow    string
	location string
}

type reqCase struct {
	method, target string
	want           want
	hint           string
}

// check runs each case against h, as a subtest named after the request.
func check(t *testing.T, h http.Handler, cases []reqCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := serve(t, h, tc.method, tc.target)
			got := want{
				code:     rec.Code,
				body:     strings.TrimSpace(rec.Body.String()),
				allow:    rec.Header().Get("Allow"),
				location: rec.Header().Get("Location"),
			}
			gotText := got.String()
			if tc.want.code != http.StatusOK {
				// The body of a 404 or 405 is the status's own text: not
				// the point, but shown, as it may say what went wrong.
				got.body, tc.want.body = "", ""
				gotText = fmt.Sprintf("%s (body %q)", got, firstLine(rec.Body.String()))
			}
			if got != tc.want {
				t.Fatalf("%s %s:\n  want %s\n  got  %s\n%s", tc.method, tc.target, tc.want, gotText, tc.hint)
			}
		})
	}
}

func (w want) String() string {
	s := fmt.Sprintf("%d %s", w.code, http.StatusText(w.code))
	if w.body != "" {
		s += fmt.Sprintf(", body %q", w.body)
	}
	if w.allow != "" || w.code == http.StatusMethodNotAllowed {
		s += fmt.Sprintf(", Allow: %q", w.allow)
	}
	if w.location != "" || w.code/100 == 3 {
		s += fmt.Sprintf(", Location: %q", w.location)
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func ok(body string) want { return want{code: http.StatusOK, body: body} }

var (
	notFound   = want{code: http.StatusNotFound}
	redirectTo = func(loc string) want { return want{code: http.StatusTemporaryRedirect, location: loc} }
	notAllowed = func(allow string) want { return want{code: http.StatusMethodNotAllowed, allow: allow} }
)

// api is a small route table used by several tests.
func api() *router.Router {
	r := router.New()
	for _, p := range []string{
		"GET /{$}",
		"GET /users",
		"POST /users",
		"GET /users/me",
		"GET /users/{id}",
		"DELETE /users/{id}",
		"GET /repos/{owner}/{repo}",
		"GET /files/{path...}",
	} {
		r.HandleFunc(p, echo)
	}
	return r
}

func TestMethodsAndPathValues(t *testing.T) {
	const values = "hint: register the pattern on an http.ServeMux as it is (\"GET /users/{id}\"): it matches the method and sets the values r.PathValue returns"
	check(t, api(), []reqCase{
		{"GET", "/users", ok("GET /users"), values},
		{"POST", "/users", ok("POST /users"), "hint: the method is part of the pattern: \"POST /users\" and \"GET /users\" are two routes"},
		{"GET", "/users/7", ok("GET /users/{id} id=7"), values},
		{"DELETE", "/users/7", ok("DELETE /users/{id} id=7"), values},
		{"HEAD", "/users/7", ok("GET /users/{id} id=7"), "hint: a \"GET\" pattern answers HEAD too (the server drops the body)"},
		{"GET", "/users/me", ok("GET /users/me"), "hint: the most specific pattern wins: \"/users/me\" beats \"/users/{id}\""},
		{"GET", "/users/a%2Fb", ok("GET /users/{id} id=a/b"), "hint: ServeMux matches the escaped path segment by segment — %2F is not a separator — and unescapes the value"},
		{"GET", "/repos/golang/go", ok("GET /repos/{owner}/{repo} owner=golang repo=go"), values},
		{"GET", "/files/a/b/c.txt", ok("GET /files/{path...} path=a/b/c.txt"), "hint: {name...} takes the rest of the path, slashes included"},
		{"GET", "/", ok("GET /{$}"), values},
	})
}

func TestNotFoundVsMethodNotAllowed(t *testing.T) {
	const allow = "hint: a path that exists with other methods is 405 Method Not Allowed, with an Allow header listing those methods (RFC 9110 §15.5.6); ServeMux does both when the method is in the pattern"
	const missing = "hint: no pattern matches this path with any method: 404 Not Found, and no Allow header"
	check(t, api(), []reqCase{
		{"GET", "/nope", notFound, missing},
		{"GET", "/users/7/extra", notFound, missing + " (a {name} wildcard is one segment)"},
		{"PUT", "/users/7", notAllowed("DELETE, GET, HEAD"), allow},
		{"DELETE", "/users", notAllowed("GET, HEAD, POST"), allow},
		{"OPTIONS", "/repos/golang/go", notAllowed("GET, HEAD"), allow},
		{"POST", "/", notAllowed("GET, HEAD"), allow},
	})
}

func TestTrailingSlashAndEnd(t *testing.T) {
	r := router.New()
	for _, p := range []string{"GET /{$}", "GET /docs/", "GET /exact/{$}", "GET /plain"} {
		r.HandleFunc(p, echo)
	}
	users := r.Group("/users")
	users.HandleFunc("GET /{$}", echo)
	users.HandleFunc("GET /{id}", echo)
	static := r.Group("/static/") // the trailing slash is dropped
	static.HandleFunc("GET /", echo)

	const subtree = "hint: a pattern ending in \"/\" is a subtree: it matches every path below it"
	const redirect = "hint: ServeMux redirects \"/x\" to \"/x/\" (307, query kept) when only the subtree or \"/x/{$}\" is registered"
	const end = "hint: {$} matches the end of the path only: \"/{$}\" is \"/\" and nothing below it"
	const join = "hint: put the prefix in front of the path with plain concatenation; path.Join and path.Clean drop the trailing slash that makes a subtree"
	check(t, r, []reqCase{
		{"GET", "/docs/a/b", ok("GET /docs/"), subtree},
		{"GET", "/docs", redirectTo("/docs/"), redirect},
		{"GET", "/docs?page=2", redirectTo("/docs/?page=2"), redirect},
		{"GET", "/exact/", ok("GET /exact/{$}"), end},
		{"GET", "/exact/more", notFound, end},
		{"GET", "/exact", redirectTo("/exact/"), redirect},
		{"GET", "/plain/", notFound, "hint: a pattern without a trailing slash matches only its own path"},
		{"GET", "/", ok("GET /{$}"), end},
		{"GET", "/anything", notFound, end + " — \"GET /\" would answer every GET with 200"},
		{"GET", "/users/", ok("GET /users/{$}"), "hint: in Group(\"/users\"), \"GET /{$}\" is \"GET /users/{$}\"\n" + join},
		{"GET", "/users", redirectTo("/users/"), redirect},
		{"GET", "/users/7", ok("GET /users/{id} id=7"), join},
		{"GET", "/static/css/site.css", ok("GET /static/"), "hint: in Group(\"/static/\"), \"GET /\" is the subtree \"GET /static/\" (the prefix's own trailing slash is dropped)\n" + join},
		{"GET", "/static", redirectTo("/static/"), redirect},
	})
}

func TestMiddlewareOrderAndGroups(t *testing.T) {
	r := router.New()
	r.HandleFunc("GET /early", traced) // before any Use: no middleware
	r.Use(trace("a"))
	r.Use(trace("b")) // three separate Use calls leave spare capacity in
	r.Use(trace("c")) // the slice: a trap for groups that share it
	r.HandleFunc("GET /root", traced)

	api := r.Group("/api")
	api.Use(trace("api"))
	api.HandleFunc("GET /x", traced)
	v1 := api.Group("/v1")
	v1.Use(trace("v1"))
	v1.HandleFunc("GET /y", traced)

	// Two sibling groups, set up interleaved.
	public := r.Group("/public")
	admin := r.Group("/admin")
	public.Use(trace("public"))
	admin.Use(trace("admin"))
	public.HandleFunc("GET /", traced)
	admin.HandleFunc("GET /", traced)

	r.Use(trace("late")) // reaches later root routes only
	r.HandleFunc("GET /late", traced)

	for _, tc := range []struct {
		target, want, hint string
	}{
		{"/early", "handler", "Use wraps the routes registered after it; /early was registered before any Use\nhint: compose the chain in Handle, once"},
		{"/root", "a b c handler", "after Use(a), Use(b), Use(c), a runs first and the handler last\nhint: wrap the handler with the last middleware first"},
		{"/api/x", "a b c api handler", "a group runs its parent's middleware, then its own\nhint: Group starts from a copy of the parent's middleware"},
		{"/api/v1/y", "a b c api v1 handler", "a nested group runs every ancestor's middleware, outermost first"},
		{"/public/page", "a b c public handler", "sibling groups must not share middleware\nhint: two groups that append to the parent's slice share its spare capacity — copy it (slices.Clone)"},
		{"/admin/page", "a b c admin handler", "sibling groups must not share middleware\nhint: copy the parent's slice in Group (slices.Clone)"},
		{"/late", "a b c late handler", "Use added \"late\" after the groups were made; it wraps only routes registered on r after it"},
	} {
		t.Run("GET "+tc.target, func(t *testing.T) {
			rec := serve(t, r, "GET", tc.target)
			require.Equal(t, http.StatusOK, rec.Code, "GET %s must reach its route; the body was %q\nhint: in Group(\"/public\"), \"GET /\" is the subtree \"GET /public/\"", tc.target, firstLine(rec.Body.String()))
			got := strings.Join(rec.Header().Values("X-Trace"), " ")
			require.Equal(t, tc.want, got, "GET %s ran middleware in the order shown (the X-Trace header): %s", tc.target, tc.hint)
		})
	}
}

// Middleware runs after the match: it can read the pattern and path values,
// here for an ownership check.
func TestMiddlewareSeesTheMatch(t *testing.T) {
	r := router.New()
	var seen string
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			seen = req.Pattern
			next.ServeHTTP(w, req)
		})
	})
	user := r.Group("/users/{id}")
	user.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.PathValue("id") == "root" {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, req)
		})
	})
	user.HandleFunc("GET /posts/{post}", echo)

	const hint = "hint: wrap each route's handler at registration, not the whole ServeMux: only after the match are r.Pattern and r.PathValue set"
	rec := serve(t, r, "GET", "/users/ann/posts/1")
	require.Equal(t, "GET /users/{id}/posts/{post} id=ann post=1", rec.Body.String(),
		"a group with a wildcard prefix: the handler must see both values and the full pattern\n"+
			"hint: register the joined pattern on the ServeMux; a group served by a ServeMux of its own (or StripPrefix) loses the prefix's values")
	require.Equal(t, "GET /users/{id}/posts/{post}", seen, "middleware must see r.Pattern, the full pattern that matched\n"+hint)

	rec = serve(t, r, "GET", "/users/root/posts/1")
	require.Equal(t, http.StatusForbidden, rec.Code,
		"the group's middleware answers 403 when r.PathValue(\"id\") is \"root\"; it got %q\n%s", rec.Body.String(), hint)
}

func TestMount(t *testing.T) {
	sub := http.NewServeMux()
	sub.HandleFunc("GET /users/{id}", echo)
	sub.HandleFunc("POST /users", echo)
	sub.HandleFunc("GET /files/{name}", echo)

	r := router.New()
	r.Use(trace("root"))
	r.Mount("/api", sub)
	r.HandleFunc("GET /apix", echo)
	r.Mount("/raw/", http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "Path=%s RawPath=%s", req.URL.Path, req.URL.RawPath)
	}))
	shop := router.New()
	shop.Use(trace("shop"))
	shop.HandleFunc("GET /items/{id}", traced)
	v2 := r.Group("/v2")
	v2.Use(trace("v2"))
	v2.Mount("/shop", shop)

	const strip = "hint: a mount is the subtree pattern prefix+\"/\" with no method, served through http.StripPrefix(prefix, h)"
	const own405 = "hint: register the mount without a method, so the mounted handler answers 405 with its own Allow header"
	check(t, r, []reqCase{
		{"GET", "/api/users/7", ok("GET /users/{id} id=7"), strip},
		{"POST", "/api/users", ok("POST /users"), own405},
		{"POST", "/api/users/7", notAllowed("GET, HEAD"), own405},
		{"PUT", "/api/users", notAllowed("POST"), own405},
		{"GET", "/api/nope", notFound, "hint: below the prefix, the mounted handler decides"},
		{"GET", "/api", redirectTo("/api/"), "hint: the mount is the subtree \"/api/\"; ServeMux redirects \"/api\" to it"},
		{"GET", "/apix", ok("GET /apix"), "hint: \"/apix\" is not under \"/api\": mount the subtree \"/api/\", do not match by strings.HasPrefix"},
		{"GET", "/api/files/a%2Fb", ok("GET /files/{name} name=a/b"), "hint: strip the prefix from URL.RawPath too (http.StripPrefix does), or the escaped path no longer matches the path"},
		{"GET", "/raw/a%2Fb", ok("Path=/a/b RawPath=/a%2Fb"), "hint: http.StripPrefix strips URL.Path and URL.RawPath alike"},
		{"GET", "/raw/", ok("Path=/ RawPath="), "hint: \"/raw/\" reaches the mounted handler as \"/\""},
	})

	rec := serve(t, r, "GET", "/v2/shop/items/9")
	require.Equal(t, "GET /items/{id} id=9", rec.Body.String(), "a Router mounted under a group\n"+strip)
	require.Equal(t, "root v2 shop handler", strings.Join(rec.Header().Values("X-Trace"), " "),
		"middleware (the X-Trace header): the group's chain wraps the mounted router, whose own middleware runs inside it")
}

func TestBadPatternsPanic(t *testing.T) {
	const hint = "hint: let http.ServeMux.Handle panic on a bad or conflicting pattern: a route table with a mistake must not start serving"
	for _, tc := range []struct {
		name string
		fn   func(r *router.Router)
		hint string
	}{
		{"a pattern without /", func(r *router.Router) { r.HandleFunc("GET users", echo) }, hint},
		{"a wildcard in the middle of a segment", func(r *router.Router) { r.HandleFunc("GET /users/id{id}", echo) }, hint},
		{"two conflicting patterns", func(r *router.Router) {
			r.HandleFunc("GET /users/{id}", echo)
			r.HandleFunc("GET /users/{name}", echo)
		}, hint},
		{"a conflict across a group", func(r *router.Router) {
			r.HandleFunc("GET /users/{id}", echo)
			r.Group("/users").HandleFunc("GET /{name}", echo)
		}, hint + " (the group's route is \"GET /users/{name}\")"},
		{"a duplicate wildcard across a group", func(r *router.Router) {
			r.Group("/orgs/{id}").HandleFunc("GET /users/{id}", echo)
		}, hint + " (the joined pattern names {id} twice)"},
		{"a group prefix without /", func(r *router.Router) { r.Group("api") }, "hint: Group panics on a prefix that is neither \"\" nor starts with \"/\""},
		{"a mount prefix with a wildcard", func(r *router.Router) { r.Mount("/orgs/{org}", http.NotFoundHandler()) },
			"hint: Mount panics on a wildcard: the mounted handler's own ServeMux would lose its value"},
		{"a mount under a group with a wildcard", func(r *router.Router) {
			r.Group("/orgs/{org}").Mount("/files", http.NotFoundHandler())
		}, "hint: the whole prefix counts, the group's included"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Panics(t, func() { tc.fn(router.New()) }, "registering %s must panic\n%s", tc.name, tc.hint)
		})
	}
}

// FuzzGroupPattern checks that Group(prefix).HandleFunc(pattern) means
// exactly what ServeMux makes of the joined pattern: it panics when ServeMux
// would, and otherwise answers every request the same way — status,
// Location, Allow, pattern and path values.
func FuzzGroupPattern(f *testing.F) {
	for _, s := range []struct {
		prefix, pattern string
		method          uint8
		target          string
	}{
		{"", "GET /users/{id}", 0, "/users/7"},
		{"/users", "GET /{id}", 2, "/users/7"},
		{"/users", "GET /{$}", 0, "/users"},
		{"/static/", "GET /", 0, "/static/a/b"},
		{"/users/{id}", "POST /posts/{rest...}", 2, "/users/a%2Fb/posts/x/y"},
		{"/v1", "example.com/x", 3, "/v1/x"},
		{"/v1", "GET\t /x", 1, "/v1/x?q=1"},
		{"api", "/x", 0, "/api/x"},
		{"/a", "GET", 0, "/a"},
		{"/a/{x}", "/{x}", 0, "/a/b/c"},
		{"/a", "GET /b/../c", 0, "/a/c"},
		{"/a/", "/b/{$}", 5, "/a/b/"},
		{"/{$}", "/x", 0, "/x"},
	} {
		f.Add(s.prefix, s.pattern, s.method, s.target)
	}
	methods := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "CONNECT"}
	f.Fuzz(func(t *testing.T, prefix, pattern string, m uint8, target string) {
		method := methods[int(m)%len(methods)]
		joined, ok := joinPattern(prefix, pattern)
		mux := http.NewServeMux()
		wantPanic := !ok || panics(func() { mux.HandleFunc(joined, echo) })

		r := router.New()
		r.Use(func(next http.Handler) http.Handler { return next })
		gotPanic := panics(func() { r.Group(prefix).HandleFunc(pattern, echo) })
		if gotPanic != wantPanic {
			why := fmt.Sprintf("ServeMux.HandleFunc(%q) panics: %v", joined, wantPanic)
			if !ok {
				why = "a prefix must be \"\" or start with \"/\""
			}
			t.Fatalf("Group(%q).HandleFunc(%q) panicked: %v, want %v (%s)\n%s", prefix, pattern, gotPanic, wantPanic, why, joinHint)
		}
		if wantPanic {
			return
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		wantRec, gotRec := httptest.NewRecorder(), httptest.NewRecorder()
		mux.ServeHTTP(wantRec, fuzzRequest(method, u, target))
		koantest.Do(t, "serving "+method+" "+target, func() { r.ServeHTTP(gotRec, fuzzRequest(method, u, target)) })
		for _, k := range []string{"Location", "Allow"} {
			if w, g := wantRec.Header().Get(k), gotRec.Header().Get(k); w != g {
				t.Fatalf("%s %s on Group(%q).HandleFunc(%q): %s %q, want %q (ServeMux with %q)\n%s", method, target, prefix, pattern, k, g, w, joined, joinHint)
			}
		}
		if wantRec.Code != gotRec.Code || wantRec.Body.String() != gotRec.Body.String() {
			t.Fatalf("%s %s on Group(%q).HandleFunc(%q): got %d %q, want %d %q (ServeMux with %q)\n%s",
				method, target, prefix, pattern, gotRec.Code, gotRec.Body.String(), wantRec.Code, wantRec.Body.String(), joined, joinHint)
		}
	})
}

const joinHint = "hint: a group's route is the ServeMux pattern with the prefix put in front of the path, after \"METHOD \" and HOST; let ServeMux decide what is valid and what matches"

// joinPattern is the spec of a group's pattern: prefix (without its
// trailing slash) goes in front of the path of "[METHOD ][HOST]/[PATH]". It
// reports false for a prefix Group must refuse.
func joinPattern(prefix, pattern string) (string, bool) {
	if prefix != "" && prefix[0] != '/' {
		return "", false
	}
	prefix = strings.TrimSuffix(prefix, "/")
	head, rest := "", pattern
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		rest = strings.TrimLeft(pattern[i+1:], " \t")
		head = pattern[:len(pattern)-len(rest)]
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return pattern, true
	}
	return head + rest[:i] + prefix + rest[i:], true
}

func fuzzRequest(method string, u *url.URL, target string) *http.Request {
	req := httptest.NewRequest(method, "/", nil)
	req.URL = new(url.URL)
	*req.URL = *u
	req.RequestURI = target
	return req
}

func panics(fn func()) (panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	fn()
	return false
}

// githubAPI is a slice of a real API (GitHub's REST API v3): static, one-
// and two-parameter routes, in ServeMux syntax, which chi and gorilla/mux
// share for paths. Static routes come first: gorilla/mux tries routes in
// order, and "/gists/public" must be tried before "/gists/{id}".
var githubAPI = []string{
	// static
	"GET /user", "PATCH /user", "GET /user/repos", "POST /user/repos",
	"GET /user/orgs", "GET /user/emails", "GET /user/followers",
	"GET /user/following", "GET /user/keys", "GET /user/starred",
	"GET /user/issues", "GET /gists", "POST /gists", "GET /gists/public",
	"GET /gists/starred", "GET /events", "GET /feeds",
	"GET /notifications", "PUT /notifications", "GET /emojis", "GET /meta",
	"GET /rate_limit", "GET /repositories", "GET /issues",
	// one parameter
	"GET /users/{user}", "GET /users/{user}/repos", "GET /users/{user}/orgs",
	"GET /users/{user}/gists", "GET /users/{user}/followers",
	"GET /users/{user}/events", "GET /users/{user}/starred",
	"GET /orgs/{org}", "PATCH /orgs/{org}", "GET /orgs/{org}/repos",
	"POST /orgs/{org}/repos", "GET /orgs/{org}/members",
	"GET /gists/{id}", "PATCH /gists/{id}", "DELETE /gists/{id}",
	"PUT /gists/{id}/star",
	// two parameters
	"GET /repos/{owner}/{repo}", "PATCH /repos/{owner}/{repo}",
	"DELETE /repos/{owner}/{repo}", "GET /repos/{owner}/{repo}/issues",
	"POST /repos/{owner}/{repo}/issues", "GET /repos/{owner}/{repo}/pulls",
	"GET /repos/{owner}/{repo}/commits", "GET /repos/{owner}/{repo}/branches",
	"GET /repos/{owner}/{repo}/tags", "GET /repos/{owner}/{repo}/contributors",
	"GET /orgs/{org}/members/{user}",
}

// benchHit records which route the last request reached, and the bytes of
// path values its handler read; the benchmark checks them once.
var benchHit struct{ route, valueBytes int }

// routeHandler is route i's handler: it reads its path values with get, as
// a real handler would, so each router pays for handing them over.
func routeHandler(i int, get func(*http.Request, string) string) http.HandlerFunc {
	var names []string
	for _, m := range wildcard.FindAllStringSubmatch(githubAPI[i], -1) {
		names = append(names, m[1])
	}
	return func(w http.ResponseWriter, r *http.Request) {
		n := 0
		for _, name := range names {
			n += len(get(r, name))
		}
		benchHit.route, benchHit.valueBytes = i, n
	}
}

// passThrough is the one middleware each router (but the plain ServeMux)
// runs: the price of a layer that does nothing.
func passThrough(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

func pathValue(r *http.Request, name string) string { return r.PathValue(name) }

// yours registers the table through groups, as an application would.
func yours() http.Handler {
	r := router.New()
	r.Use(passThrough)
	groups := map[string]*router.Router{}
	for i, p := range githubAPI {
		method, path, _ := strings.Cut(p, " ")
		target := r
		for _, prefix := range []string{"/repos/{owner}/{repo}", "/users/{user}", "/orgs/{org}", "/gists"} {
			if rest, ok := strings.CutPrefix(path, prefix); ok && rest != "" {
				if groups[prefix] == nil {
					groups[prefix] = r.Group(prefix)
				}
				target, path = groups[prefix], rest
				break
			}
		}
		target.HandleFunc(method+" "+path, routeHandler(i, pathValue))
	}
	return r
}

func plainServeMux() http.Handler {
	mux := http.NewServeMux()
	for i, p := range githubAPI {
		mux.HandleFunc(p, routeHandler(i, pathValue))
	}
	return mux
}

func chiRouter() http.Handler {
	r := chi.NewRouter()
	r.Use(passThrough)
	for i, p := range githubAPI {
		method, path, _ := strings.Cut(p, " ")
		r.Method(method, path, routeHandler(i, chi.URLParam))
	}
	return r
}

func gorillaRouter() http.Handler {
	r := mux.NewRouter()
	r.Use(passThrough)
	vars := func(r *http.Request, name string) string { return mux.Vars(r)[name] }
	for i, p := range githubAPI {
		method, path, _ := strings.Cut(p, " ")
		r.Handle(path, routeHandler(i, vars)).Methods(method)
	}
	return r
}

// nopWriter is a ResponseWriter that costs nothing, so the figures are the
// routers' own.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkRouters routes one request through each router built on the same
// 50-route table. ServeMux matches in a tree indexed by segment, chi in a
// radix tree, gorilla/mux tries each route's regexps in turn and copies the
// request into a new context for its Vars. Your router is ServeMux plus one
// middleware call: it should stay within a few percent of the plain
// ServeMux, and allocate nothing more. Compare them side by side with
//
//	go test -run '^$' -bench Routers -count 6 ./phase2/router | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /router new.txt
func BenchmarkRouters(b *testing.B) {
	routers := []struct {
		name  string
		build func() http.Handler
	}{
		{"servemux", plainServeMux}, // first: benchstat -col /router compares to it
		{"yours", yours},
		{"chi", chiRouter},
		{"gorillamux", gorillaRouter},
	}
	for _, kind := range []struct {
		name, path, route string
		valueBytes        int
	}{
		{"static", "/notifications", "GET /notifications", 0},
		{"1param", "/users/gopher/starred", "GET /users/{user}/starred", len("gopher")},
		{"2param", "/repos/golang/go/issues", "GET /repos/{owner}/{repo}/issues", len("golang" + "go")},
	} {
		route := -1
		for i, p := range githubAPI {
			if p == kind.route {
				route = i
			}
		}
		for _, rt := range routers {
			b.Run("route="+kind.name+"/router="+rt.name, func(b *testing.B) {
				h := rt.build()
				req := httptest.NewRequest("GET", kind.path, nil)
				w := &nopWriter{h: http.Header{}}
				benchHit.route = -1
				h.ServeHTTP(w, req)
				if benchHit.route != route || benchHit.valueBytes != kind.valueBytes {
					b.Fatalf("GET %s reached route %d with %d bytes of path values, want route %d (%q) with %d",
						kind.path, benchHit.route, benchHit.valueBytes, route, kind.route, kind.valueBytes)
				}
				b.ReportAllocs()
				for b.Loop() {
					h.ServeHTTP(w, req)
				}
			})
		}
	}
}
