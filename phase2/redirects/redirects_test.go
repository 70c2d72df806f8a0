package redirects_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/redirects"
)

// hit is one request as a test server saw it.
type hit struct {
	Method string
	URI    string // path and query, as sent
	Header http.Header
	Body   string
}

// server is an httptest server on loopback that records every request.
//
//   - Any request whose query has code=N answers status N with Location set
//     verbatim to the query's "to" (if any), and a small HTML body, as real
//     redirects have.
//   - /chain/{n}?stop=K redirects (302) to /chain/{n+1}?stop=K until n == K;
//     without stop it never ends.
//   - /loop/{a}/{b} redirects (302) to /loop/{b}/{a}: a two-step loop, or a
//     one-step one when a == b.
//   - /prg redirects a POST with 303 to itself, and answers a GET with 200:
//     Post/Redirect/Get.
//   - Everything else answers 200 "ok".
//
// After 100 requests it stops redirecting and answers 508, so that code
// without a hop limit fails instead of running forever.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	hits  []hit
	conns atomic.Int32 // connections accepted

	// unbounded turns off recording and the runaway cap, for benchmarks.
	unbounded atomic.Bool
}

const runaway = 100

func newServer(t testing.TB) *server {
	s := &server{}
	mux := http.NewServeMux()
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		stop := r.URL.Query().Get("stop")
		if stop == strconv.Itoa(n) {
			io.WriteString(w, "end of chain")
			return
		}
		to := fmt.Sprintf("/chain/%d", n+1)
		if stop != "" {
			to += "?stop=" + stop
		}
		redirect(w, http.StatusFound, to)
	})
	mux.HandleFunc("/loop/{a}/{b}", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, http.StatusFound, "/loop/"+r.PathValue("b")+"/"+r.PathValue("a"))
	})
	mux.HandleFunc("POST /prg", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, http.StatusSeeOther, "/prg")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.unbounded.Load() {
			mux.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.hits = append(s.hits, hit{r.Method, r.RequestURI, r.Header.Clone(), string(body)})
		n := len(s.hits)
		s.mu.Unlock()
		switch {
		case n > runaway:
			http.Error(w, fmt.Sprintf("the test server stops redirecting after %d requests", runaway), http.StatusLoopDetected)
		case r.URL.Query().Has("code"):
			code, _ := strconv.Atoi(r.URL.Query().Get("code"))
			redirect(w, code, r.URL.Query().Get("to"))
		default:
			mux.ServeHTTP(w, r)
		}
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// redirect answers code with Location: to, verbatim. (http.Redirect would
// resolve a relative "to" itself, hiding what the koan is about.)
func redirect(w http.ResponseWriter, code int, to string) {
	if to != "" {
		w.Header().Set("Location", to)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<a href=%q>%s</a>.\n", to, http.StatusText(code))
}

func (s *server) requests() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// last returns the last request the server got; it fails if there was none.
func (s *server) last(t testing.TB) hit {
	t.Helper()
	hits := s.requests()
	require.NotEmpty(t, hits, "the server at %s got no request at all", s.URL)
	return hits[len(hits)-1]
}

// uris lists the URIs the server got, in order.
func (s *server) uris() []string {
	var out []string
	for _, h := range s.requests() {
		out = append(out, h.URI)
	}
	return out
}

// r builds "/path?code=N&to=LOC".
func r(path string, code int, to string) string {
	return fmt.Sprintf("%s?code=%d&to=%s", path, code, url.QueryEscape(to))
}

var errFollowedItself = errors.New("the test's http.Client was asked to follow a redirect itself (its CheckRedirect was called)\n" +
	"hint: send every hop with a copy of the Client whose CheckRedirect returns http.ErrUseLastResponse; leave the caller's Client as it is")

// newClient returns a client with its own connection pool, a timeout on
// every hop, and a CheckRedirect that fails: Follower must never let it
// follow a redirect itself.
func newClient(t testing.TB, tr http.RoundTripper) *http.Client {
	if tr == nil {
		tr = &http.Transport{}
	}
	t.Cleanup(func() {
		if ci, ok := tr.(interface{ CloseIdleConnections() }); ok {
			ci.CloseIdleConnections()
		}
	})
	return &http.Client{
		Transport: tr,
		Timeout:   koantest.Patience,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errFollowedItself
		},
	}
}

// do runs f.Do(req), bounded, and reads and closes the body it returns.
func do(t testing.TB, f *redirects.Follower, req *http.Request) (*http.Response, string, error) {
	t.Helper()
	var resp *http.Response
	var err error
	koantest.Do(t, fmt.Sprintf("following redirects from %s %s", req.Method, req.URL), func() { resp, err = f.Do(req) })
	if err != nil {
		require.Nil(t, resp, "Do failed with %v and returned a response too; on an error it must return a nil response (and close the body of the last one)", err)
		return nil, "", err
	}
	require.NotNil(t, resp, "Do returned neither a response nor an error")
	defer resp.Body.Close()
	body, rerr := io.ReadAll(resp.Body)
	require.NoError(t, rerr, "reading the body of the response Do returned")
	return resp, string(body), nil
}

func newRequest(t testing.TB, method, target string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	require.NoError(t, err)
	return req
}

func TestNextMethod(t *testing.T) {
	for _, tc := range []struct {
		code     int
		method   string
		next     string
		keepBody bool
		follow   bool
		hint     string
	}{
		{301, "GET", "GET", false, true, "GET stays GET"},
		{302, "HEAD", "HEAD", false, true, "HEAD stays HEAD: it asks for the headers only"},
		{303, "HEAD", "HEAD", false, true, "HEAD stays HEAD: it asks for the headers only"},
		{301, "POST", "GET", false, true, "browsers turned POST into GET after 301 and 302 from the start; RFC 9110 allows it, and Go does it"},
		{302, "POST", "GET", false, true, "browsers turned POST into GET after 301 and 302 from the start; RFC 9110 allows it, and Go does it"},
		{302, "PUT", "GET", false, true, "Go turns every method but GET and HEAD into GET after 301, 302 and 303"},
		{303, "POST", "GET", false, true, "303 See Other means: GET the result over there"},
		{303, "DELETE", "GET", false, true, "303 See Other means: GET the result over there"},
		{307, "POST", "POST", true, true, "307 exists to keep the method and the body"},
		{307, "PUT", "PUT", true, true, "307 exists to keep the method and the body"},
		{308, "POST", "POST", true, true, "308 is the permanent 307: same method, same body"},
		{308, "GET", "GET", true, true, "308 keeps the method"},
		{300, "GET", "GET", false, false, "300 Multiple Choices asks the user to pick: not followed automatically"},
		{304, "GET", "GET", false, false, "304 Not Modified is an answer to a conditional request, not a redirect"},
		{305, "GET", "GET", false, false, "305 Use Proxy is deprecated and never followed"},
		{306, "GET", "GET", false, false, "306 is unused"},
		{200, "POST", "POST", false, false, "200 is not a redirect"},
		{404, "GET", "GET", false, false, "404 is not a redirect"},
	} {
		t.Run(fmt.Sprintf("%d %s", tc.code, tc.method), func(t *testing.T) {
			next, keepBody, follow := redirects.NextMethod(tc.code, tc.method)
			got := fmt.Sprintf("next=%s keepBody=%t follow=%t", next, keepBody, follow)
			want := fmt.Sprintf("next=%s keepBody=%t follow=%t", tc.next, tc.keepBody, tc.follow)
			if tc.follow {
				require.Equal(t, want, got, "NextMethod(%d, %q)\nhint: %s", tc.code, tc.method, tc.hint)
			} else {
				require.False(t, follow, "NextMethod(%d, %q) must say follow=false\nhint: %s", tc.code, tc.method, tc.hint)
			}
		})
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
		hint string
	}{
		{"http://a.test/x", "http://a.test/y?q=1", true, "paths and queries are not part of the origin"},
		{"http://A.Test/", "http://a.test/", true, "host names are case-insensitive"},
		{"http://a.test/", "http://a.test:80/", true, "a missing port is the scheme's default: 80 for http"},
		{"https://a.test/", "https://a.test:443/", true, "a missing port is the scheme's default: 443 for https"},
		{"http://u:p@a.test/", "http://a.test/", true, "user info is not part of the origin"},
		{"http://[::1]/", "http://[::1]:80/", true, "IPv6 hosts: compare URL.Hostname() and URL.Port(), not URL.Host"},
		{"http://a.test/", "https://a.test/", false, "the scheme is part of the origin: http and https are two origins"},
		{"https://a.test/", "http://a.test:443/", false, "the scheme is part of the origin, even on the same port"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/", false, "the port is part of the origin: two servers on one host are two origins (Go's client compares host names only)"},
		{"http://a.test/", "http://api.a.test/", false, "a subdomain is another origin (Go's client would send it the credentials)"},
		{"http://api.a.test/", "http://a.test/", false, "a parent domain is another origin"},
		{"http://a.test/", "http://xa.test/", false, "another host"},
		{"http://localhost:80/", "http://127.0.0.1:80/", false, "origins compare names, not where they resolve"},
	} {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			a, err := url.Parse(tc.a)
			require.NoError(t, err)
			b, err := url.Parse(tc.b)
			require.NoError(t, err)
			require.Equal(t, tc.same, redirects.SameOrigin(a, b), "SameOrigin(%s, %s)\nhint: %s", tc.a, tc.b, tc.hint)
			require.Equal(t, tc.same, redirects.SameOrigin(b, a), "SameOrigin(%s, %s) must be symmetric", tc.b, tc.a)
		})
	}
}

// A form is POSTed and redirected to /dest: what reaches /dest?
func TestMethodAndBody(t *testing.T) {
	s := newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}
	const form = "name=gopher"
	for _, tc := range []struct {
		code       int
		method     string
		wantMethod string
		wantBody   string
		hint       string
	}{
		{301, "POST", "GET", "", "after 301 a POST becomes a GET without a body"},
		{302, "POST", "GET", "", "after 302 a POST becomes a GET without a body"},
		{303, "POST", "GET", "", "after 303 a POST becomes a GET without a body"},
		{303, "PUT", "GET", "", "after 303 every method but HEAD becomes GET"},
		{307, "POST", "POST", form, "after 307 the method and body are kept: get a fresh copy of the body from req.GetBody"},
		{308, "POST", "POST", form, "after 308 the method and body are kept: get a fresh copy of the body from req.GetBody"},
		{307, "PUT", "PUT", form, "after 307 the method and body are kept"},
	} {
		t.Run(fmt.Sprintf("%s then %d", tc.method, tc.code), func(t *testing.T) {
			// strings.Reader: NewRequest sets GetBody and ContentLength.
			req := newRequest(t, tc.method, s.URL+r("/form", tc.code, "/dest"), strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, _, err := do(t, f, req)
			require.NoError(t, err, "following a %d after a %s\nhint: %s", tc.code, tc.method, tc.hint)
			require.Equal(t, 200, resp.StatusCode)
			got := s.last(t)
			require.Equal(t, "/dest", got.URI)
			require.Equal(t, tc.wantMethod, got.Method, "the method of the request after a %d to a %s\nhint: %s", tc.code, tc.method, tc.hint)
			require.Equal(t, tc.wantBody, got.Body, "the body of the request after a %d to a %s\nhint: %s", tc.code, tc.method, tc.hint)
			if tc.wantBody == "" {
				require.Empty(t, got.Header.Get("Content-Type"), "the body was dropped, so the headers that describe it must go too\nhint: delete Content-Type, Content-Encoding, Content-Language and Content-Location with the body")
			} else {
				require.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"), "the body was kept, and so must be its Content-Type")
				require.Equal(t, strconv.Itoa(len(form)), got.Header.Get("Content-Length"), "the resent body must have its length (set ContentLength from the first request), not be chunked")
			}
		})
	}
	t.Run("HEAD then 303", func(t *testing.T) {
		resp, _, err := do(t, f, newRequest(t, "HEAD", s.URL+r("/head", 303, "/dest"), nil))
		require.NoError(t, err)
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, "HEAD", s.last(t).Method, "a HEAD stays a HEAD after 303: it asks for the headers only")
	})
	t.Run("POST then 303 then 307", func(t *testing.T) {
		req := newRequest(t, "POST", s.URL+r("/form", 303, r("/next", 307, "/dest")), strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, _, err := do(t, f, req)
		require.NoError(t, err)
		got := s.last(t)
		require.Equal(t, "GET /dest", got.Method+" "+got.URI)
		require.Empty(t, got.Body, "the 303 dropped the body; a later 307 keeps the GET it was given, without a body\n"+
			"hint: once a hop drops the body, it is gone for the rest of the chain")
		require.Empty(t, got.Header.Get("Content-Type"), "the 303 dropped the body and its Content-Type for the rest of the chain")
	})
}

// A body that cannot be read twice (no GetBody) cannot follow a 307.
func TestBodyThatCannotBeResent(t *testing.T) {
	s := newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}

	req := newRequest(t, "POST", s.URL+r("/upload", 307, "/dest"), io.NopCloser(strings.NewReader("only once")))
	require.Nil(t, req.GetBody, "test set-up: an io.NopCloser body has no GetBody")
	resp, _, err := do(t, f, req)
	require.NoError(t, err, "a 307 whose body cannot be resent is returned to the caller, not an error")
	require.Equal(t, 307, resp.StatusCode, "the request's body was already sent and it has no GetBody: Do must return the 307 as it is\n"+
		"hint: resending req.Body would send nothing (it was read to the end); http.Client returns the 307 in this case too")
	require.Equal(t, []string{r("/upload", 307, "/dest")}, s.uris(), "no request may follow a 307 whose body cannot be resent")

	// A 303 drops the body anyway: nothing to resend.
	req = newRequest(t, "POST", s.URL+r("/upload", 303, "/dest"), io.NopCloser(strings.NewReader("only once")))
	resp, _, err = do(t, f, req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, "a 303 drops the body, so it can be followed without GetBody")
	require.Equal(t, "GET /dest", s.last(t).Method+" "+s.last(t).URI)
}

// Location may be relative: it is resolved against the URL of the request
// that got the redirect.
func TestRelativeLocation(t *testing.T) {
	a, b := newServer(t), newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}
	bHost := strings.TrimPrefix(b.URL, "http://")
	for _, tc := range []struct {
		location string
		at       *server
		wantURI  string
	}{
		{"/top", a, "/top"},
		{"sibling", a, "/dir/sibling"},
		{"./sub/x", a, "/dir/sub/x"},
		{"../up", a, "/up"},
		{"?page=2", a, "/dir/page?page=2"},
		{"//" + bHost + "/elsewhere", b, "/elsewhere"},
		{b.URL + "/absolute?x=1", b, "/absolute?x=1"},
	} {
		t.Run(tc.location, func(t *testing.T) {
			start := a.URL + r("/dir/page", 302, tc.location)
			resp, body, err := do(t, f, newRequest(t, "GET", start, nil))
			require.NoError(t, err, "following Location %q from %s\n"+
				"hint: resolve Location against the URL of the request that got it: req.URL.Parse(loc) (or ResolveReference)", tc.location, start)
			require.Equal(t, 200, resp.StatusCode, "body: %s", body)
			require.Equal(t, tc.wantURI, tc.at.last(t).URI, "where Location %q from /dir/page must lead\n"+
				"hint: a relative reference resolves like a link in a page (RFC 3986 §5): req.URL.Parse(loc)", tc.location)
		})
	}
	t.Run("resolved against the last hop, not the first", func(t *testing.T) {
		// a/start → b/x/first → "second" must mean b/x/second.
		start := a.URL + r("/start", 302, b.URL+r("/x/first", 302, "second"))
		_, _, err := do(t, f, newRequest(t, "GET", start, nil))
		require.NoError(t, err)
		require.Equal(t, "/x/second", b.last(t).URI, "a relative Location is relative to the URL that sent it (here on the second server), not to the first request's URL")
	})
}

func TestHopLimit(t *testing.T) {
	client := newClient(t, nil)
	for _, tc := range []struct {
		name     string
		max      int
		stop     string // "" = endless chain
		wantErr  bool
		requests int
	}{
		{"3 redirects with MaxRedirects 3", 3, "3", false, 4},
		{"endless chain with MaxRedirects 3", 3, "", true, 4},
		{"10 redirects by default", 0, "10", false, 11},
		{"endless chain by default", 0, "", true, 11},
		{"1 redirect with MaxRedirects 1", 1, "1", false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t) // a fresh server, so that its runaway cap counts this case only
			before := len(s.requests())
			start := s.URL + "/chain/0"
			if tc.stop != "" {
				start += "?stop=" + tc.stop
			}
			f := &redirects.Follower{Client: client, MaxRedirects: tc.max}
			resp, body, err := do(t, f, newRequest(t, "GET", start, nil))
			made := len(s.requests()) - before
			const hint = "hint: MaxRedirects counts redirects followed, not requests: MaxRedirects redirects make MaxRedirects+1 requests (0 means DefaultMaxRedirects, 10)"
			if tc.wantErr {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				require.ErrorIs(t, err, redirects.ErrTooManyRedirects, "an endless chain must stop with ErrTooManyRedirects; got status %d after %d requests\n"+hint, status, made)
			} else {
				require.NoError(t, err, "a chain of exactly MaxRedirects redirects must be followed to its end\n"+hint)
				require.Equal(t, "end of chain", body)
			}
			require.Equal(t, tc.requests, made, "requests made\n"+hint+"; and no request after the limit is reached")
		})
	}
}

func TestLoopDetection(t *testing.T) {
	// A generous limit: the loop must be caught by the loop check.
	f := &redirects.Follower{Client: newClient(t, nil), MaxRedirects: 50}
	for _, tc := range []struct {
		name     string
		start    string
		requests int
	}{
		{"a page that redirects to itself", "/loop/self/self", 1},
		{"two pages that redirect to each other", "/loop/a/b", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			before := len(s.requests())
			_, _, err := do(t, f, newRequest(t, "GET", s.URL+tc.start, nil))
			made := len(s.requests()) - before
			require.ErrorIs(t, err, redirects.ErrRedirectLoop, "after %d requests\nhint: remember each method+URL requested in the chain; a redirect back to one of them is a loop — no need to wait for the hop limit", made)
			require.Equal(t, tc.requests, made, "requests made before the loop was caught: a request already made must not be made again")
		})
	}
	t.Run("Post/Redirect/Get to the same URL is not a loop", func(t *testing.T) {
		s := newServer(t)
		req := newRequest(t, "POST", s.URL+"/prg", strings.NewReader("x=1"))
		resp, body, err := do(t, f, req)
		require.NoError(t, err, "POST /prg → 303 → GET /prg is the Post/Redirect/Get pattern, not a loop\n"+
			"hint: the method is part of what was requested: key the loop check on method and URL")
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, "ok", body)
	})
}

// secrets are the credentials a client might put on its first request.
var secrets = map[string]string{
	"Authorization":       "Bearer s3cret",
	"Proxy-Authorization": "Basic cHJveHk6cHc=",
	"Cookie":              "session=s3cret",
}

func withSecrets(t testing.TB, target string) *http.Request {
	req := newRequest(t, "GET", target, nil)
	for k, v := range secrets {
		req.Header.Set(k, v)
	}
	req.Header.Set("X-Request-Id", "42") // not a secret: always copied
	return req
}

func requireSecrets(t *testing.T, h hit, want bool, msg string) {
	t.Helper()
	require.Equal(t, "42", h.Header.Get("X-Request-Id"), "%s %s: the first request's other headers must be copied to every hop", h.Method, h.URI)
	for k, v := range secrets {
		if want {
			require.Equal(t, v, h.Header.Get(k), "%s: %s must be kept on a hop to the same origin\n%s", h.URI, k, msg)
		} else {
			require.Empty(t, h.Header.Get(k), "%s: %s must not be sent to another origin\n%s", h.URI, k, msg)
		}
	}
}

func TestCredentialsStayWithTheirOrigin(t *testing.T) {
	a, b := newServer(t), newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}

	t.Run("same origin keeps them", func(t *testing.T) {
		_, _, err := do(t, f, withSecrets(t, a.URL+r("/start", 302, "/dest")))
		require.NoError(t, err)
		requireSecrets(t, a.last(t), true, "hint: a hop within the origin of the first request keeps its credentials")
	})
	t.Run("another port on the same host drops them", func(t *testing.T) {
		_, _, err := do(t, f, withSecrets(t, a.URL+r("/start", 302, b.URL+"/dest")))
		require.NoError(t, err)
		requireSecrets(t, b.last(t), false, fmt.Sprintf("%s and %s differ only by port, and are two origins: anyone can listen on another port\n"+
			"hint: Go's own client would send them here — it compares host names only (shouldCopyHeaderOnRedirect in net/http/client.go); this koan compares origins: scheme, host and port (SameOrigin)", a.URL, b.URL))
	})
	t.Run("there and back again keeps them dropped", func(t *testing.T) {
		_, _, err := do(t, f, withSecrets(t, a.URL+r("/start", 302, b.URL+r("/bounce", 302, a.URL+"/dest"))))
		require.NoError(t, err)
		require.Equal(t, "/dest", a.last(t).URI)
		requireSecrets(t, a.last(t), false, "the chain left the origin, then came back: the other origin chose that URL, so the credentials stay dropped\n"+
			"hint: compare each hop with the first request's URL, and once dropped, never put them back")
	})
}

// Two host names routed to two loopback servers by the transport's dialer,
// so that subdomains can be tested without DNS.
func TestCredentialsAndSubdomains(t *testing.T) {
	a, b := newServer(t), newServer(t)
	route := map[string]string{
		"example.test:80":     a.Listener.Addr().String(),
		"api.example.test:80": b.Listener.Addr().String(),
	}
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		to, ok := route[strings.ToLower(addr)]
		if !ok {
			return nil, fmt.Errorf("test dialer: no route to %s", addr)
		}
		return d.DialContext(ctx, network, to)
	}}
	f := &redirects.Follower{Client: newClient(t, tr)}

	_, _, err := do(t, f, withSecrets(t, "http://example.test"+r("/start", 302, "http://api.example.test/dest")))
	require.NoError(t, err)
	requireSecrets(t, b.last(t), false, "api.example.test is another origin than example.test\n"+
		"hint: Go's client sends credentials to subdomains; this koan's rule is SameOrigin — scheme, host and port")

	_, _, err = do(t, f, withSecrets(t, "http://example.test"+r("/start", 302, "http://EXAMPLE.test:80/dest")))
	require.NoError(t, err)
	requireSecrets(t, a.last(t), true, "http://EXAMPLE.test:80 is the same origin as http://example.test (case, default port)\nhint: use SameOrigin")
}

func TestNotRedirects(t *testing.T) {
	s := newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}
	for _, tc := range []struct {
		name string
		path string
		code int
	}{
		{"302 without Location", r("/a", 302, ""), 302},
		{"300 Multiple Choices", r("/a", 300, "/dest"), 300},
		{"304 Not Modified", r("/a", 304, "/dest"), 304},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.requests())
			resp, _, err := do(t, f, newRequest(t, "GET", s.URL+tc.path, nil))
			require.NoError(t, err)
			require.Equal(t, tc.code, resp.StatusCode, "Do must return this response as it is: there is nothing to follow\nhint: NextMethod's follow, and a Location header")
			require.Equal(t, 1, len(s.requests())-before, "requests made")
		})
	}
}

func TestRefusesOtherSchemes(t *testing.T) {
	s := newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}
	for _, loc := range []string{"file:///etc/passwd", "ftp://example.test/x", "javascript:alert(1)"} {
		t.Run(loc, func(t *testing.T) {
			before := len(s.requests())
			_, _, err := do(t, f, newRequest(t, "GET", s.URL+r("/a", 302, loc), nil))
			require.Error(t, err, "a redirect to %q must fail: only http and https are followed", loc)
			require.Equal(t, 1, len(s.requests())-before, "requests made")
		})
	}
}

// Every hop uses the first request's context: cancelling it stops the
// chain, and values in it (trace IDs) reach every hop.
func TestContextReachesEveryHop(t *testing.T) {
	s := newServer(t)
	type key struct{}
	var seen []any
	var mu sync.Mutex
	inner := &http.Transport{}
	tr := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, req.Context().Value(key{}))
		mu.Unlock()
		return inner.RoundTrip(req)
	})
	t.Cleanup(inner.CloseIdleConnections)
	f := &redirects.Follower{Client: newClient(t, tr)}

	ctx := context.WithValue(t.Context(), key{}, "trace-7")
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/chain/0?stop=2", nil)
	require.NoError(t, err)
	_, _, err = do(t, f, req)
	require.NoError(t, err)
	require.Equal(t, []any{"trace-7", "trace-7", "trace-7"}, seen, "the context value seen by each of the 3 hops\n"+
		"hint: build each hop with http.NewRequestWithContext(req.Context(), ...)")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The caller's Client must be left exactly as it was.
func TestClientLeftAlone(t *testing.T) {
	s := newServer(t)
	client := newClient(t, nil)
	check := reflect.ValueOf(client.CheckRedirect).Pointer()
	f := &redirects.Follower{Client: client}
	_, _, err := do(t, f, newRequest(t, "GET", s.URL+"/chain/0?stop=2", nil))
	require.NoError(t, err)
	require.Equal(t, check, reflect.ValueOf(client.CheckRedirect).Pointer(),
		"Do changed the caller's Client.CheckRedirect: other code shares that client\nhint: copy the struct (c := *f.Client) and set CheckRedirect on the copy")
}

// Redirect responses have small bodies. Reading them to the end before
// closing lets the next hop reuse the connection.
func TestHopsShareAConnection(t *testing.T) {
	s := newServer(t)
	f := &redirects.Follower{Client: newClient(t, nil)}
	_, _, err := do(t, f, newRequest(t, "GET", s.URL+"/chain/0?stop=5", nil))
	require.NoError(t, err)
	require.Equal(t, 6, len(s.requests()))
	require.Equal(t, int32(1), s.conns.Load(), "6 requests to one server should share one keep-alive connection\n"+
		"hint: read each redirect's body to EOF (a bounded io.CopyN into io.Discard) and then Close it; a body closed unread costs its connection")
}

// Each hop is a full round trip: a chain's cost grows with its length.
// Following by hand costs no more than http.Client's own loop.
func BenchmarkFollow(b *testing.B) {
	s := newServer(b)
	s.unbounded.Store(true)
	for _, hops := range []int{0, 1, 5} {
		target := fmt.Sprintf("%s/chain/0?stop=%d", s.URL, hops)
		b.Run(fmt.Sprintf("Follower/hops=%d", hops), func(b *testing.B) {
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			f := &redirects.Follower{Client: &http.Client{Transport: tr}}
			bench(b, target, f.Do)
		})
		b.Run(fmt.Sprintf("http.Client/hops=%d", hops), func(b *testing.B) {
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			bench(b, target, c.Do)
		})
	}
}

func bench(b *testing.B, target string, do func(*http.Request) (*http.Response, error)) {
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("GET", target, nil)
		resp, err := do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
