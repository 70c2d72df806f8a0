package hello_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/hello"
)

// Handler tests call the handler directly with an httptest.ResponseRecorder:
// no socket, no port, no goroutine, microseconds per case. What the client
// would see is rec.Result(): the status and headers as they were when the
// response started. Not rec.Header(), which is the handler's live map and
// still shows headers set too late to be sent.

// response is what a client received, in the shape the checks below need.
type response struct {
	status int
	header http.Header
	body   string
}

// record serves req with h on a ResponseRecorder.
func record(t *testing.T, h http.HandlerFunc, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{res.StatusCode, res.Header, string(body)}
}

// want is what a response must be. The hints name the usual cause.
type want struct {
	status      int
	contentType string
	body        string
	header      map[string]string // other headers that must be set, exactly
	hint        string            // for a wrong status, if not statusHint
}

const (
	statusHint = "hint: call w.WriteHeader(code) before the first Write — the first Write sends 200 OK, and a WriteHeader after it is ignored " +
		"(\"superfluous response.WriteHeader call\"); for errors, http.Error does all of it"
	typeHint = "hint: set w.Header().Set(\"Content-Type\", ...) before WriteHeader and Write; a header set later is never sent, " +
		"and without one net/http guesses the type from the body (http.DetectContentType)"
	headerHint = "hint: set every header on w.Header() before WriteHeader and Write: headers leave with the status line, " +
		"and a header set after the first Write is never sent (a recorder's rec.Result() shows what was sent)"
)

func (w want) check(t *testing.T, got response, what string) {
	t.Helper()
	hint := w.hint
	if hint == "" {
		hint = statusHint
	}
	require.Equal(t, w.status, got.status, "status code of %s (body: %q)\n%s", what, shorten(got.body), hint)
	require.Equal(t, w.contentType, got.header.Get("Content-Type"), "Content-Type of %s (body: %q)\n%s", what, shorten(got.body), typeHint)
	for k, v := range w.header {
		require.Equal(t, v, got.header.Get(k), "header %s of %s\n%s", k, what, headerHint)
	}
	koantest.Same(t, w.body, got.body, "body of "+what)
}

const (
	textPlain = "text/plain; charset=utf-8"
	jsonType  = "application/json"
)

// nosniff is on every response of Hello, as http.Error sets it on errors:
// browsers must not guess that a body echoing client input is HTML.
var nosniff = map[string]string{"X-Content-Type-Options": "nosniff"}

func TestHello(t *testing.T) {
	longest := strings.Repeat("é", hello.MaxNameLen/2) // 2 bytes each
	const (
		tooLong = "hint: refuse a name of more than MaxNameLen bytes (len counts bytes) before greeting: http.Error(w, \"name too long\", http.StatusBadRequest)"
		badUTF8 = "hint: utf8.ValidString tells whether the name is UTF-8; refuse it with http.Error otherwise"
	)
	for _, tc := range []struct {
		name  string
		query string
		want  want
	}{
		{"a name", "?name=Ada", want{200, textPlain, "Hello, Ada!\n", nosniff, ""}},
		{"an escaped space", "?name=Ada%20Lovelace", want{200, textPlain, "Hello, Ada Lovelace!\n", nosniff, ""}},
		{"UTF-8", "?name=Zo%C3%AB", want{200, textPlain, "Hello, Zoë!\n", nosniff, ""}},
		{"no query", "", want{200, textPlain, "Hello, world!\n", nosniff, ""}},
		{"an empty name", "?name=", want{200, textPlain, "Hello, world!\n", nosniff, ""}},
		{"two names: the first wins", "?name=Ada&name=Grace", want{200, textPlain, "Hello, Ada!\n", nosniff, ""}},
		{"markup is only text", "?name=%3Cb%3EAda%3C%2Fb%3E", want{200, textPlain, "Hello, <b>Ada</b>!\n", nosniff, ""}},
		{"MaxNameLen bytes", "?name=" + url.QueryEscape(longest), want{200, textPlain, "Hello, " + longest + "!\n", nosniff, ""}},
		{"one byte too long", "?name=" + url.QueryEscape(longest+"x"), want{400, textPlain, "name too long\n", nosniff, tooLong}},
		{"far too long", "?name=" + strings.Repeat("x", 1<<20), want{400, textPlain, "name too long\n", nosniff, tooLong}},
		{"not UTF-8", "?name=%FF%FE", want{400, textPlain, "name is not valid UTF-8\n", nosniff, badUTF8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/hello"+tc.query, nil)
			tc.want.check(t, record(t, hello.Hello, req), "GET /hello"+shorten(tc.query))
		})
	}
}

func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		ready bool
		want  want
	}{
		{true, want{200, jsonType, `{"status":"ok"}` + "\n", map[string]string{"Cache-Control": "no-store"}, ""}},
		{false, want{503, jsonType, `{"status":"unavailable"}` + "\n", map[string]string{"Cache-Control": "no-store"}, ""}},
	} {
		t.Run(fmt.Sprintf("ready=%v", tc.ready), func(t *testing.T) {
			h := hello.Health(func() bool { return tc.ready })
			got := record(t, h, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			tc.want.check(t, got, fmt.Sprintf("the health check while ready() is %v", tc.ready))
			require.True(t, json.Valid([]byte(got.body)), "the body must be JSON, as its Content-Type says")
		})
	}
}

// Health must ask ready() on every request, not once.
func TestHealthFollowsReady(t *testing.T) {
	var ready atomic.Bool
	h := hello.Health(ready.Load)
	for _, r := range []bool{false, true, false} {
		ready.Store(r)
		got := record(t, h, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		wantStatus := map[bool]int{true: 200, false: 503}[r]
		require.Equal(t, wantStatus, got.status, "the health check after ready() became %v\n"+
			"hint: call ready() inside the handler, on each request — not once, in Health", r)
	}
}

// The routes, tested end to end through a real HTTP server on loopback:
// httptest.NewServer listens on 127.0.0.1 with a port the kernel picks, and
// Close stops it, which http.ListenAndServe can do neither of. It is what
// the client really gets: ServeMux routing, 404 and 405, HEAD without body.
func TestRoutes(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	srv := httptest.NewServer(hello.NewHandler(ready.Load))
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.Timeout = koantest.Patience

	const (
		routeHint = "hint: register the handlers on an http.ServeMux with method patterns: mux.HandleFunc(\"GET /hello\", Hello)"
		allowHint = "hint: with the method in the pattern (\"GET /hello\"), ServeMux answers other methods with 405 and an Allow header by itself"
	)
	for _, tc := range []struct {
		method, path string
		notReady     bool // ready() reports false
		status       int
		contentType  string
		body         string
		hint         string
	}{
		{"GET", "/hello?name=Ada", false, 200, textPlain, "Hello, Ada!\n", routeHint},
		{"HEAD", "/hello?name=Ada", false, 200, textPlain, "", routeHint},
		{"GET", "/healthz", false, 200, jsonType, `{"status":"ok"}` + "\n", routeHint},
		{"GET", "/healthz", true, 503, jsonType, `{"status":"unavailable"}` + "\n", "hint: the health check calls ready() on each request"},
		{"HEAD", "/healthz", false, 200, jsonType, "", routeHint},
		{"POST", "/hello", false, 405, textPlain, "Method Not Allowed\n", allowHint},
		{"DELETE", "/healthz", false, 405, textPlain, "Method Not Allowed\n", allowHint},
		{"GET", "/", false, 404, textPlain, "404 page not found\n", routeHint},
		{"GET", "/hello/", false, 404, textPlain, "404 page not found\n", "hint: a pattern without a trailing slash matches that path exactly"},
		{"GET", "/hello/there", false, 404, textPlain, "404 page not found\n", "hint: a pattern without a trailing slash matches that path exactly"},
		{"GET", "/hellothere", false, 404, textPlain, "404 page not found\n", routeHint},
	} {
		name := tc.method + " " + tc.path
		if tc.notReady {
			name += " (not ready)"
		}
		t.Run(name, func(t *testing.T) {
			ready.Store(!tc.notReady)
			defer ready.Store(true)
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, nil)
			require.NoError(t, err)
			res, err := client.Do(req)
			require.NoError(t, err, name)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, res.StatusCode, "status code of %s (body: %q)\n%s", name, body, tc.hint)
			require.Equal(t, tc.contentType, res.Header.Get("Content-Type"), "Content-Type of %s\n%s", name, typeHint)
			require.Equal(t, tc.body, string(body), "body of %s", name)
			if tc.status == http.StatusMethodNotAllowed {
				allow := strings.Split(res.Header.Get("Allow"), ", ")
				slices.Sort(allow)
				require.Equal(t, []string{"GET", "HEAD"}, allow, "the Allow header of a 405 lists the methods the path does accept\n"+allowHint)
			}
		})
	}
}

// Any name: a 200 that echoes it exactly, or a 400 — never a panic, never a
// body that is not what its Content-Type says.
func FuzzHello(f *testing.F) {
	for _, seed := range []string{"", "Ada", "Zoë", "<script>", "\xff", "a&b=c", strings.Repeat("x", hello.MaxNameLen+1)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		req := httptest.NewRequest(http.MethodGet, "/hello?"+url.Values{"name": {name}}.Encode(), nil)
		got := record(t, hello.Hello, req)
		require.Equal(t, textPlain, got.header.Get("Content-Type"), "Content-Type, whatever the name\n"+typeHint)
		require.True(t, utf8.ValidString(got.body), "a text/plain; charset=utf-8 body must be UTF-8: %q", got.body)
		switch {
		case len(name) > hello.MaxNameLen || !utf8.ValidString(name):
			require.Equal(t, http.StatusBadRequest, got.status, "name %q: longer than MaxNameLen bytes, or not UTF-8, must be refused", shorten(name))
		case name == "":
			require.Equal(t, "Hello, world!\n", got.body)
		default:
			require.Equal(t, http.StatusOK, got.status, "name %q", name)
			require.Equal(t, "Hello, "+name+"!\n", got.body, "the greeting must echo the name exactly")
		}
	})
}

// What a test pays for realism. Calling the handler with a recorder costs
// the handler and the request it parses (a few µs); a round trip to
// httptest.NewServer adds the client, loopback TCP, HTTP parsing on both
// sides and goroutine hand-offs — several times more (tens of µs); a new
// connection per request (no keep-alive) adds a TCP handshake and a new
// server goroutine on top, about three times the kept-alive round trip.
// Test handlers with the recorder, and the routes and the wire with a
// server; and in programs, let connections be reused.
func BenchmarkHello(b *testing.B) {
	const target = "/hello?name=Ada"
	b.Run("recorder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			hello.Hello(rec, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
	srv := httptest.NewServer(hello.NewHandler(func() bool { return true }))
	defer srv.Close()
	for _, keepAlive := range []bool{true, false} {
		name := "server/keep-alive"
		if !keepAlive {
			name = "server/new-conn-per-request"
		}
		b.Run(name, func(b *testing.B) {
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.DisableKeepAlives = !keepAlive
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			b.ReportAllocs()
			for b.Loop() {
				res, err := client.Get(srv.URL + target)
				if err != nil {
					b.Fatal(err)
				}
				// Read to EOF and close, or the conn cannot be reused.
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}

// shorten keeps failure messages readable when a query is huge.
func shorten(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%s… (%d bytes)", s[:60], len(s))
	}
	return s
}
