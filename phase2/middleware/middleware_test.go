package middleware_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/middleware"
)

// serve runs h on a request for path with a recorder. A panic that escapes
// h is returned rather than raised, so that a wrong answer fails one test
// instead of killing them all.
func serve(t testing.TB, h http.Handler, req *http.Request) (rec *httptest.ResponseRecorder, escaped any) {
	t.Helper()
	rec = httptest.NewRecorder()
	koantest.Do(t, "serving "+req.Method+" "+req.URL.Path, func() {
		defer func() { escaped = recover() }()
		h.ServeHTTP(rec, req)
	})
	return rec, escaped
}

// get is serve for a GET request of path.
func get(t testing.TB, h http.Handler, path string) (*httptest.ResponseRecorder, any) {
	t.Helper()
	return serve(t, h, httptest.NewRequest("GET", path, nil))
}

// noPanic fails if a panic escaped.
func noPanic(t testing.TB, escaped any, what string) {
	t.Helper()
	require.Nil(t, escaped, "%s: a panic escaped: %v", what, escaped)
}

// short quotes s for a failure message, cut to 80 bytes.
func short(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q… (%d bytes)", s[:80], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// describe shows a recorded response in failure messages.
func describe(rec *httptest.ResponseRecorder) string {
	return fmt.Sprintf("got: %d %s, body %q", rec.Code, http.StatusText(rec.Code), rec.Body.String())
}

// logBuffer collects a JSON slog logger's output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records parses what was logged: one JSON object per line.
func (b *logBuffer) records(t testing.TB) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var recs []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "a log line is not JSON: %q", line)
		recs = append(recs, rec)
	}
	return recs
}

// show prints a log record for a failure message, without its stack and
// time.
func show(rec map[string]any) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(rec)) {
		if k != "stack" && k != "time" {
			fmt.Fprintf(&b, "%s=%v ", k, rec[k])
		}
	}
	return "{" + strings.TrimSpace(b.String()) + "}"
}

// showAll prints log records for a failure message.
func showAll(recs []map[string]any) string {
	var out []string
	for _, rec := range recs {
		out = append(out, show(rec))
	}
	return "[" + strings.Join(out, " ") + "]"
}

// newLogger returns a logger writing JSON lines, and what it wrote.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// tag is a middleware that records when a request enters and leaves it.
func tag(name string, trace *[]string) middleware.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			*trace = append(*trace, name+">")
			next.ServeHTTP(w, r)
			*trace = append(*trace, "<"+name)
		})
	}
}

func TestChain(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{nil, "h"},
		{[]string{"a"}, "a> h <a"},
		{[]string{"a", "b"}, "a> b> h <b <a"},
		{[]string{"a", "b", "c", "d"}, "a> b> c> d> h <d <c <b <a"},
		{[]string{"a", "stop", "b"}, "a> stop <a"}, // stop answers without calling next
	} {
		t.Run(strings.Join(tc.names, ","), func(t *testing.T) {
			var trace []string
			var mws []middleware.Middleware
			for _, name := range tc.names {
				if name == "stop" {
					mws = append(mws, func(http.Handler) http.Handler {
						return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
							trace = append(trace, "stop")
							w.WriteHeader(http.StatusForbidden)
						})
					})
					continue
				}
				mws = append(mws, tag(name, &trace))
			}
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { trace = append(trace, "h") })
			_, escaped := get(t, middleware.Chain(h, mws...), "/")
			noPanic(t, escaped, "Chain")
			require.Equal(t, tc.want, strings.Join(trace, " "),
				"Chain(h, %s): the first middleware is the outermost — the request meets it first and leaves it last\n"+
					"hint: Chain(h, a, b) is a(b(h)): wrap h in the last middleware first", strings.Join(tc.names, ", "))
		})
	}
}

func TestStatusWriter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		handle     func(w http.ResponseWriter)
		status     int   // what Status reports
		size       int64 // what Size reports
		code       int   // what the client got
		body, hint string
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 0, 0, 200, "",
			"nothing was sent: Status is 0"},
		{"Write only", func(w http.ResponseWriter) { io.WriteString(w, "hello") }, 200, 5, 200, "hello",
			"a Write with no WriteHeader before it sends 200: record that in Write"},
		{"WriteHeader then Write", func(w http.ResponseWriter) { w.WriteHeader(404); io.WriteString(w, "nope") }, 404, 4, 404, "nope",
			"record the code in WriteHeader and pass it on; count in Write the n the writer below returned"},
		{"WriteHeader only", func(w http.ResponseWriter) { w.WriteHeader(204) }, 204, 0, 204, "",
			"record the code in WriteHeader"},
		{"two Writes", func(w http.ResponseWriter) { io.WriteString(w, "hello, "); io.WriteString(w, "world") }, 200, 12, 200, "hello, world",
			"Size adds up every Write"},
		{"a second WriteHeader", func(w http.ResponseWriter) { w.WriteHeader(404); w.WriteHeader(500) }, 404, 0, 404, "",
			"the client got the first status; a later WriteHeader changes nothing — keep the first"},
		{"WriteHeader after Write", func(w http.ResponseWriter) { io.WriteString(w, "x"); w.WriteHeader(500) }, 200, 1, 200, "x",
			"the Write sent 200; a later WriteHeader changes nothing"},
		{"103 Early Hints, then 201", func(w http.ResponseWriter) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
		}, 201, 0, 0, "", "a 1xx status (but 101) is informational: the final status comes after it — do not record 1xx codes other than 101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			sw := middleware.NewStatusWriter(rec)
			tc.handle(sw)
			require.Equal(t, tc.status, sw.Status(), "Status() after %s\nhint: %s", tc.name, tc.hint)
			require.Equal(t, tc.size, sw.Size(), "Size() after %s\nhint: %s", tc.name, tc.hint)
			if tc.code != 0 { // the recorder takes 103 for final
				require.Equal(t, tc.code, rec.Code, "the status the client got: StatusWriter must pass WriteHeader on")
			}
			require.Equal(t, tc.body, rec.Body.String(), "the body the client got: StatusWriter must pass Write on")
		})
	}
	t.Run("headers", func(t *testing.T) {
		rec := httptest.NewRecorder()
		sw := middleware.NewStatusWriter(rec)
		sw.Header().Set("X-Koan", "yes")
		sw.WriteHeader(http.StatusAccepted)
		require.Equal(t, "yes", rec.Result().Header.Get("X-Koan"), "headers set through the StatusWriter reach the client")
	})
}

// unwrapOnly is a wrapper that keeps Unwrap but has no Flush of its own, as
// many third-party wrappers do.
type unwrapOnly struct{ http.ResponseWriter }

func (u unwrapOnly) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// plainWriter can neither flush nor unwrap.
type plainWriter struct{ http.ResponseWriter }

func TestStatusWriterFlushes(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(*httptest.ResponseRecorder) http.ResponseWriter
	}{
		{"over a recorder", func(rec *httptest.ResponseRecorder) http.ResponseWriter { return rec }},
		{"over a wrapper that only unwraps", func(rec *httptest.ResponseRecorder) http.ResponseWriter { return unwrapOnly{rec} }},
		{"over another StatusWriter", func(rec *httptest.ResponseRecorder) http.ResponseWriter { return middleware.NewStatusWriter(rec) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			sw := middleware.NewStatusWriter(tc.wrap(rec))

			f, ok := any(sw).(http.Flusher)
			require.True(t, ok, "*StatusWriter must still be an http.Flusher: handlers that stream do w.(http.Flusher), and a wrapper that hides it buffers their stream\n"+
				"hint: give StatusWriter a Flush method")
			escaped := func() (v any) {
				defer func() { v = recover() }()
				f.Flush()
				return nil
			}()
			require.Nil(t, escaped, "Flush panicked: %v\nhint: w.ResponseWriter.(http.Flusher) fails on a wrapper that only has Unwrap — use http.NewResponseController(w.ResponseWriter).Flush()", escaped)
			require.True(t, rec.Flushed, "StatusWriter.Flush must flush the writer below, through any wrapper that has Unwrap\n"+
				"hint: http.NewResponseController(w.ResponseWriter).Flush() walks the Unwrap chain")
			require.Equal(t, http.StatusOK, sw.Status(), "a Flush sends the status line, 200 if none was set: Status must say so")

			rec = httptest.NewRecorder()
			sw = middleware.NewStatusWriter(tc.wrap(rec))
			require.NoError(t, http.NewResponseController(sw).Flush(), "http.NewResponseController(sw).Flush()")
			require.True(t, rec.Flushed, "http.NewResponseController(sw).Flush() must reach the recorder")
		})
	}
	t.Run("over a writer that cannot flush", func(t *testing.T) {
		sw := middleware.NewStatusWriter(plainWriter{httptest.NewRecorder()})
		f, ok := any(sw).(http.Flusher)
		require.True(t, ok, "*StatusWriter must be an http.Flusher")
		escaped := func() (v any) {
			defer func() { v = recover() }()
			f.Flush()
			return nil
		}()
		require.Nil(t, escaped, "Flush over a writer that cannot flush must do nothing, not panic: %v\nhint: http.NewResponseController(w).Flush() returns an error instead of panicking", escaped)
		require.Equal(t, 0, sw.Status(), "a Flush that could not flush sent nothing: Status stays 0")
	})
}

func TestStatusWriterUnwraps(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := middleware.NewStatusWriter(rec)
	u, ok := any(sw).(interface{ Unwrap() http.ResponseWriter })
	require.True(t, ok, "*StatusWriter needs an Unwrap() http.ResponseWriter method, for http.ResponseController")
	require.True(t, u.Unwrap() == http.ResponseWriter(rec), "Unwrap must return the writer StatusWriter wraps, got %T", u.Unwrap())
}

// Through the whole stack, on a real http.Server (over the kit's pipes, in
// fake time): a handler sets a write deadline with a ResponseController,
// streams with a w.(http.Flusher) type assertion as much code still does,
// and its first chunk reaches the client before it returns.
func TestStreamingThroughChain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logger, logs := newLogger()
		release := make(chan struct{})
		var once sync.Once
		releaseHandler := func() { once.Do(func() { close(release) }) }
		defer releaseHandler()
		deadlineErr := make(chan error, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			deadlineErr <- rc.SetWriteDeadline(time.Now().Add(time.Hour))
			io.WriteString(w, "first\n")
			if f, ok := w.(http.Flusher); ok { // the old way, still common
				f.Flush()
			}
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			io.WriteString(w, "second\n")
		})
		srv := &http.Server{
			Handler:           middleware.Chain(h, middleware.RequestID, middleware.Log(logger), middleware.Recover(logger)),
			ReadHeaderTimeout: time.Minute,
			ErrorLog:          log.New(io.Discard, "", 0),
		}
		l := koantest.ServePipe(t, srv)
		client := koantest.PipeClient(t)
		client.Timeout = time.Minute // fake time: costs nothing

		resp, err := client.Get(l.URL() + "/stream")
		require.NoError(t, err, "the response never reached the client while the handler ran: its w.(http.Flusher).Flush() was stopped by a middleware's writer\n"+
			"hint: *StatusWriter must be an http.Flusher whose Flush flushes the writer below: http.NewResponseController(w.ResponseWriter).Flush()")
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
			t.Fatalf("a streaming handler behind Chain(h, RequestID, Log, Recover): want 200, got %d %q", resp.StatusCode, body)
		}
		require.NoError(t, koantest.Recv(t, deadlineErr, "waiting for the handler to run"),
			"http.NewResponseController(w).SetWriteDeadline in a handler behind the middlewares\n"+
				"hint: the controller can only reach the real writer through wrappers that have Unwrap() http.ResponseWriter")
		require.NotEmpty(t, resp.Header.Get(middleware.RequestIDHeader), "the response carries its request ID\nhint: RequestID sets the header before it calls next: once the handler writes, headers are sent")

		body := bufio.NewReader(resp.Body)
		first, err := body.ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "first\n", first, "the first chunk, flushed while the handler still runs")
		releaseHandler()
		rest, err := io.ReadAll(body)
		require.NoError(t, err)
		require.Equal(t, "second\n", string(rest))

		recs := logs.records(t)
		require.Equal(t, 1, len(recs), "Log writes one record per request; got %v", showAll(recs))
		require.EqualValues(t, 200, recs[0]["status"], "the streamed response's status, as Log recorded it: %v", show(recs[0]))
		require.EqualValues(t, 13, recs[0]["size"], "the streamed response's size, as Log recorded it: %v", show(recs[0]))
	})
}

func TestRecover(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		panic   string // the "panic" attribute logged; "" if nothing is logged
		code    int    // the response, if Recover returns
		escapes error  // the panic that must escape Recover, if any
		hint    string
	}{
		{
			name:    "no panic",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) },
			code:    http.StatusCreated,
			hint:    "without a panic, Recover changes nothing and logs nothing",
		},
		{
			name:    "a panic before anything was written",
			handler: func(w http.ResponseWriter, r *http.Request) { panic("boom") },
			panic:   "boom", code: http.StatusInternalServerError,
			hint: "log with logger.LogAttrs(r.Context(), slog.LevelError, \"panic\", …)",
		},
		{
			name:    "a panic with an error",
			handler: func(w http.ResponseWriter, r *http.Request) { panic(errors.New("database down")) },
			panic:   "database down", code: http.StatusInternalServerError,
			hint: `log fmt.Sprint(v) as "panic"`,
		},
		{
			name:    "panic(nil)",
			handler: func(w http.ResponseWriter, r *http.Request) { panic(nil) },
			panic:   "panic called with nil argument", code: http.StatusInternalServerError,
			hint: "since Go 1.21 panic(nil) recovers as a *runtime.PanicNilError, not nil",
		},
		{
			name: "a panic after headers were set",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "1000")
				panic("boom")
			},
			panic: "boom", code: http.StatusInternalServerError,
			hint: "http.Error drops the handler's Content-Length and resets Content-Type",
		},
		{
			name: "a panic after the response started",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "partial")
				panic("boom")
			},
			panic: "boom", escapes: http.ErrAbortHandler,
			hint: "the status line has gone: log, then panic(http.ErrAbortHandler) so net/http breaks the connection",
		},
		{
			name:    "http.ErrAbortHandler",
			handler: func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) },
			escapes: http.ErrAbortHandler,
			hint:    "a handler panics with http.ErrAbortHandler to abort on purpose: re-panic it, and do not log it",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			rec, escaped := get(t, middleware.Recover(logger)(tc.handler), "/boom")
			if tc.escapes != nil {
				require.Equal(t, tc.escapes, escaped, "the panic that must escape Recover\nhint: %s\n%s", tc.hint, describe(rec))
			} else {
				require.Nil(t, escaped, "a panic escaped Recover: %v\nhint: defer func() { if v := recover(); v != nil { … } }()", escaped)
				hint := tc.hint
				if tc.code == http.StatusInternalServerError {
					hint = "after recover(), answer http.Error(w, …, http.StatusInternalServerError) — a recover that only logs sends 200 with an empty body, which looks like success"
				}
				require.Equal(t, tc.code, rec.Code, "the status after %s\nhint: %s\n%s", tc.name, hint, describe(rec))
			}
			if tc.code == http.StatusInternalServerError {
				require.NotContains(t, rec.Body.String(), tc.panic, "the 500 must not tell the client what panicked: it may hold anything\n%s", describe(rec))
				require.NotEqual(t, "1000", rec.Result().Header.Get("Content-Length"), "the 500 kept the handler's Content-Length\nhint: %s", tc.hint)
				require.NotEqual(t, "application/json", rec.Result().Header.Get("Content-Type"), "the 500 kept the handler's Content-Type\nhint: %s", tc.hint)
			}

			recs := logs.records(t)
			if tc.panic == "" {
				require.Equal(t, 0, len(recs), "nothing to log, got %s\nhint: %s", showAll(recs), tc.hint)
				return
			}
			require.Equal(t, 1, len(recs), "Recover logs one record per panic, got %s", showAll(recs))
			got := recs[0]
			require.Equal(t, "ERROR", got["level"], "a panic is logged at slog.LevelError: %v", show(got))
			require.Equal(t, "panic", got["msg"], `the message is "panic": %v`, show(got))
			require.Equal(t, tc.panic, got["panic"], `the "panic" attribute holds fmt.Sprint of the value: %v`, show(got))
			require.Equal(t, "GET", got["method"], `the "method" attribute: %v`, show(got))
			require.Equal(t, "/boom", got["path"], `the "path" attribute: %v`, show(got))
			stack, _ := got["stack"].(string)
			require.Contains(t, stack, "panic(", "the \"stack\" attribute holds the stack, with the panic in it\nhint: debug.Stack() in the deferred function")
		})
	}
}

// What a client sees when a handler panics halfway through a response: not
// a complete-looking 200.
func TestRecoverAfterResponseStarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logger, _ := newLogger()
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "half of the answer")
			http.NewResponseController(w).Flush()
			panic("boom")
		})
		srv := &http.Server{Handler: middleware.Recover(logger)(h), ErrorLog: log.New(io.Discard, "", 0)}
		l := koantest.ServePipe(t, srv)
		client := koantest.PipeClient(t)
		client.Timeout = time.Minute
		resp, err := client.Get(l.URL() + "/")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.Error(t, err, "the client read %d %q and a clean end: it cannot tell this from success\n"+
			"hint: once the response has started, panic(http.ErrAbortHandler) after logging, so net/http breaks the connection", resp.StatusCode, body)
	})
}

func TestRequestID(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	for _, tc := range []struct {
		name, sent string
		kept       bool
	}{
		{"none sent", "", false},
		{"a simple ID", "abc-123", true},
		{"every allowed character", "AZaz09._-", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"a space", "abc 123", false},
		{"a newline (log injection)", "abc\nlevel=ERROR msg=forged", false},
		{"a comma", "a,b", false},
		{"markup", "<script>", false},
		{"non-ASCII", "idé", false},
		{"a NUL", "a\x00b", false},
		{"10 KiB", strings.Repeat("x", 10<<10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			var ok bool
			h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen, ok = middleware.RequestIDFrom(r.Context())
			}))
			req := httptest.NewRequest("GET", "/", nil)
			if tc.sent != "" {
				req.Header[middleware.RequestIDHeader] = []string{tc.sent}
			}
			rec, escaped := serve(t, h, req)
			noPanic(t, escaped, "RequestID")
			require.True(t, ok, "the handler found no request ID in its context\n%s\nhint: next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key, id))), and RequestIDFrom reads it back", describe(rec))
			require.True(t, seen == rec.Result().Header.Get(middleware.RequestIDHeader),
				"the response's X-Request-Id is %s, the handler saw %s: they must be the same\nhint: w.Header().Set before calling next — headers set after the handler wrote are lost", short(rec.Result().Header.Get(middleware.RequestIDHeader)), short(seen))
			if tc.kept {
				require.True(t, seen == tc.sent, "the client sent the well-formed ID %s and the handler saw %s: keep it, so it can follow the request across services", short(tc.sent), short(seen))
				return
			}
			require.True(t, seen != tc.sent, "the client's ID %s breaks the policy (1 to 64 of A-Z a-z 0-9 . _ -): it must be replaced, not trusted", short(tc.sent))
			require.True(t, valid.MatchString(seen), "the generated ID %s must follow the policy too", short(seen))
			require.GreaterOrEqual(t, len(seen), 16, "a generated ID %q is too short to be unique and unguessable\nhint: crypto/rand.Text gives 26 characters, 128 random bits", seen)
		})
	}
	t.Run("fresh IDs differ", func(t *testing.T) {
		ids := map[string]bool{}
		h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		for range 100 {
			rec, _ := get(t, h, "/")
			ids[rec.Result().Header.Get(middleware.RequestIDHeader)] = true
		}
		require.Len(t, ids, 100, "100 requests without an ID got only %d distinct IDs\nhint: crypto/rand.Text", len(ids))
	})
	t.Run("no ID outside RequestID", func(t *testing.T) {
		id, ok := middleware.RequestIDFrom(context.Background())
		require.False(t, ok, "RequestIDFrom(context.Background()) found %q: there is none", id)
	})
}

// The context key must be of an unexported type. A string key is readable,
// and writable, by any package that guesses it.
func TestRequestIDContextKey(t *testing.T) {
	var found []string
	h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, key := range []string{"requestID", "requestId", "request_id", "RequestID", "request-id", "reqID", "id", "ID",
			middleware.RequestIDHeader, strings.ToLower(middleware.RequestIDHeader), "X-Request-ID"} {
			if r.Context().Value(key) != nil {
				found = append(found, key)
			}
		}
	}))
	get(t, h, "/")
	require.Empty(t, found, "the request ID is stored under the string key(s) %q: any package can read or overwrite it by accident\n"+
		"hint: use a key of an unexported type, type requestIDKey struct{}", found)
}

func TestLog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		status  int
		size    int64
	}{
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, 200, 0},
		{"404 with a body", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no such thing", 404) }, 404, 14},
		{"two writes", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "abc"); io.WriteString(w, "defg") }, 200, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logger, logs := newLogger()
			rec, escaped := get(t, middleware.Log(logger)(tc.handler), "/thing")
			noPanic(t, escaped, "Log")
			require.Equal(t, tc.status, rec.Code, "Log must not change the response\n%s", describe(rec))
			recs := logs.records(t)
			require.Equal(t, 1, len(recs), "Log writes one record per request, got %s", showAll(recs))
			got := recs[0]
			require.Equal(t, "INFO", got["level"], "level Info: %v", show(got))
			require.Equal(t, "request", got["msg"], `message "request": %v`, show(got))
			require.Equal(t, "GET", got["method"], `"method": %v`, show(got))
			require.Equal(t, "/thing", got["path"], `"path": %v`, show(got))
			require.EqualValues(t, tc.status, got["status"], `"status", as a StatusWriter recorded it (200 when nothing was written): %v`, show(got))
			require.EqualValues(t, tc.size, got["size"], `"size", the body bytes a StatusWriter counted: %v`, show(got))
			require.Contains(t, got, "duration", `"duration": slog.Duration("duration", time.Since(start))`)
			require.NotContains(t, got, "request_id", `no RequestID ran, so no "request_id": %v`, show(got))
		})
	}
}

// The documented stack: RequestID outermost, then Log, then Recover. Run in
// the wrong order, the 500 goes unlogged or the logs lose the request ID.
func TestStack(t *testing.T) {
	logger, logs := newLogger()
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	h := middleware.Chain(boom, middleware.RequestID, middleware.Log(logger), middleware.Recover(logger))
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set(middleware.RequestIDHeader, "trace-me")
	rec, escaped := serve(t, h, req)
	require.Nil(t, escaped, "the panic escaped the stack: %v\nhint: Chain(h, RequestID, Log, Recover) puts Recover innermost, right around h", escaped)
	require.Equal(t, http.StatusInternalServerError, rec.Code, "a panic behind Chain(h, RequestID, Log(l), Recover(l))\n%s", describe(rec))
	require.Equal(t, "trace-me", rec.Result().Header.Get(middleware.RequestIDHeader), "even a 500 tells the client its request ID\nhint: RequestID sets the header before it calls next, and Recover's http.Error keeps it")

	recs := logs.records(t)
	require.Equal(t, 2, len(recs), "want two records: Recover's panic, then Log's request; got %v\n"+
		"hint: Chain(h, a, b, c) must be a(b(c(h))) — Log outside Recover sees the 500; inside, the panic skips it", showAll(recs))
	require.Equal(t, "panic", recs[0]["msg"], "first Recover logs the panic: %v", show(recs[0]))
	require.Equal(t, "trace-me", recs[0]["request_id"], "the panic's record carries the request ID: RequestID runs outside Recover: %v", show(recs[0]))
	require.Equal(t, "request", recs[1]["msg"], "then Log logs the request: %v", show(recs[1]))
	require.EqualValues(t, 500, recs[1]["status"], "Log saw the 500 Recover wrote: %v", show(recs[1]))
	require.Equal(t, "trace-me", recs[1]["request_id"], "the request's record carries the request ID: %v", show(recs[1]))
}

// Whatever a client sends as X-Request-Id, the handler gets a well-formed
// ID: the client's own only if it follows the policy.
func FuzzRequestID(f *testing.F) {
	for _, seed := range []string{"", "abc-123", "a b", "a\r\nb", strings.Repeat("z", 64), strings.Repeat("z", 65), "é", "\x00", "..", "-"} {
		f.Add(seed)
	}
	valid := regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	f.Fuzz(func(t *testing.T, sent string) {
		var seen string
		h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen, _ = middleware.RequestIDFrom(r.Context())
		}))
		req := httptest.NewRequest("GET", "/", nil)
		req.Header[middleware.RequestIDHeader] = []string{sent}
		rec, escaped := serve(t, h, req)
		noPanic(t, escaped, "RequestID")
		require.True(t, valid.MatchString(seen), "X-Request-Id %s arrived; the handler saw the ID %s, which breaks the policy (1 to 64 of A-Z a-z 0-9 . _ -)", short(sent), short(seen))
		require.True(t, seen == rec.Result().Header.Get(middleware.RequestIDHeader), "the response's X-Request-Id must be the ID the handler saw, %s", short(seen))
		if valid.MatchString(sent) {
			require.True(t, seen == sent, "the valid ID %s must be kept, got %s", short(sent), short(seen))
		} else {
			require.True(t, seen != sent, "the invalid ID %s must be replaced", short(sent))
		}
	})
}

// What each layer costs per request, around a handler that does nothing.
// Wrapping the writer costs one small allocation per layer; r.WithContext
// copies the request; a fresh ID reads the OS's random source; formatting
// and writing a JSON log line costs more than all the rest together.
func BenchmarkMiddleware(b *testing.B) {
	jsonLogger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	wrapOnly := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(middleware.NewStatusWriter(w), r) })
	}
	noop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, bc := range []struct {
		name string
		h    http.Handler
		id   string // X-Request-Id sent
	}{
		{"bare handler", noop, ""},
		{"StatusWriter", wrapOnly(noop), ""},
		{"16 StatusWriters", middleware.Chain(noop, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly,
			wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly, wrapOnly), ""},
		{"Recover", middleware.Recover(jsonLogger)(noop), ""},
		{"RequestID/kept", middleware.RequestID(noop), "abc-123"},
		{"RequestID/generated", middleware.RequestID(noop), ""},
		{"Log/JSON", middleware.Log(jsonLogger)(noop), ""},
		{"Log/discard", middleware.Log(slog.New(slog.DiscardHandler))(noop), ""},
		{"stack", middleware.Chain(noop, middleware.RequestID, middleware.Log(jsonLogger), middleware.Recover(jsonLogger)), ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			if bc.id != "" {
				req.Header.Set(middleware.RequestIDHeader, bc.id)
			}
			w := discardWriter{http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the middleware rather than a recorder.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}
