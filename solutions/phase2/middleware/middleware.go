//go:build solutions

// Package middleware is the reference answer to the phase2/middleware koan.
package middleware

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// Middleware wraps a handler in behaviour of its own: code that runs before
// the handler, after it, or instead of it.
type Middleware func(http.Handler) http.Handler

// Chain returns h wrapped in mws, the first outermost: Chain(h, a, b) is
// a(b(h)). A request meets a first, then b, then h; the response passes
// back through b, then a. Chain(h) is h.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	// Wrap from the inside out, so that the first in the list ends up
	// outermost and reads top to bottom in the order requests go.
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// StatusWriter wraps an http.ResponseWriter and records the status code and
// the number of body bytes sent through it.
//
// It hides nothing of the writer it wraps: Flush flushes it, and Unwrap
// returns it, so http.NewResponseController reaches every feature of the
// underlying writer (write deadlines, hijacking, full duplex) through any
// number of wrappers.
type StatusWriter struct {
	http.ResponseWriter // the writer it wraps: Header comes from here

	status int
	size   int64
}

// NewStatusWriter returns a StatusWriter that writes to w.
func NewStatusWriter(w http.ResponseWriter) *StatusWriter {
	return &StatusWriter{ResponseWriter: w}
}

// WriteHeader sends the status line and headers, and records code. Only the
// first final status counts, as for the client: an informational 1xx code
// other than 101 (say 103 Early Hints) may precede it and is not recorded,
// and a later call changes nothing that was sent.
func (w *StatusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	// Pass every call on, late ones too: net/http logs "superfluous
	// WriteHeader", which points at the bug.
	w.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes, first a 200 status line if none was sent (as
// http.ResponseWriter does), and adds what was written to Size.
func (w *StatusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK // what the wrapped writer will send now
	}
	n, err := w.ResponseWriter.Write(p)
	w.size += int64(n) // count what was written, even on a short write
	return n, err
}

// Flush sends any buffered data to the client, first a 200 status line if
// none was sent. It reaches the underlying writer with
// http.NewResponseController, through any wrappers that Unwrap; it does
// nothing if no writer down the chain can flush.
func (w *StatusWriter) Flush() {
	// A type assertion, w.ResponseWriter.(http.Flusher), would fail on a
	// wrapper that offers only Unwrap; the controller walks the chain.
	if err := http.NewResponseController(w.ResponseWriter).Flush(); err == nil && w.status == 0 {
		w.status = http.StatusOK // flushing commits the headers
	}
}

// Unwrap returns the writer it wraps, for http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Status returns the status code sent, or 0 if none has been yet.
func (w *StatusWriter) Status() int { return w.status }

// Size returns the number of body bytes written.
func (w *StatusWriter) Size() int64 { return w.size }

// Recover returns middleware that turns a panic in the handler into a 500
// Internal Server Error. It logs the panic to logger at level Error, with
// the message "panic" and the attributes "panic" (the value, as fmt.Sprint
// formats it), "method", "path", "stack" (the goroutine's stack) and
// "request_id" (when the request has one). The client is told nothing
// about the panic.
//
// If the handler had already sent its status line, a 500 is no longer
// possible: Recover logs, then panics with http.ErrAbortHandler, so that
// net/http breaks the connection and the client sees a failed response
// rather than a complete-looking one. A panic with http.ErrAbortHandler
// itself passes through, unlogged: it is how a handler asks for that abort.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := NewStatusWriter(w) // to know whether the response has started
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v) // deliberate; net/http aborts quietly
				}
				attrs := []slog.Attr{
					slog.String("panic", fmt.Sprint(v)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					// The stack is what makes a panic log useful: where, not
					// just what. debug.Stack in the deferred call still holds
					// the panicking frames.
					slog.String("stack", string(debug.Stack())),
				}
				if id, ok := RequestIDFrom(r.Context()); ok {
					attrs = append(attrs, slog.String("request_id", id))
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic", attrs...)
				if sw.Status() != 0 {
					// Status line and maybe part of the body have gone. A
					// 500 now would only append text to a 200; aborting
					// makes the failure visible to the client.
					panic(http.ErrAbortHandler)
				}
				// http.Error drops the handler's Content-Length and resets
				// Content-Type; headers set by outer middleware (say the
				// request ID) stay. The panic value stays private: it may
				// hold anything.
				http.Error(sw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// Log returns middleware that logs each request to logger after the
// handler returns: level Info, message "request", with the attributes
// "method", "path", "status" (200 if the handler wrote nothing: net/http
// sends that), "size" (body bytes), "duration" and "request_id" (when the
// request has one).
//
// A panic passing through Log is not logged by it: put Recover inside Log.
func Log(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := NewStatusWriter(w)
			next.ServeHTTP(sw, r)
			status := sw.Status()
			if status == 0 {
				status = http.StatusOK
			}
			// slog's handlers quote and escape values, so a path full of
			// newlines cannot forge log lines (a Printf log could).
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("size", sw.Size()),
				slog.Duration("duration", time.Since(start)),
			}
			if id, ok := RequestIDFrom(r.Context()); ok {
				attrs = append(attrs, slog.String("request_id", id))
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		})
	}
}

// RequestIDHeader carries a request ID, in requests and in responses.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an ID taken from a client: it is logged with
// every line of the request.
const maxRequestIDLen = 64

// requestIDKey is the context key for the request ID. An unexported type
// cannot collide with any other package's key, not even another string
// "request_id", and only this package can set or read the value.
type requestIDKey struct{}

// RequestID is middleware that gives each request an ID, which handlers
// read with RequestIDFrom and clients receive in the X-Request-Id response
// header. The ID travels in the request's context under a key of an
// unexported type, so no other package can read, overwrite or collide
// with it.
//
// Policy: an X-Request-Id sent by the client is kept if it is 1 to 64
// characters long, all ASCII letters, digits, '-', '_' or '.', so that IDs
// can follow a request across services. Anything else — missing, too long,
// spaces, control or non-ASCII characters — is replaced by a fresh random
// ID (crypto/rand.Text). A client can still choose its ID: use it to
// correlate logs, never to authorise or deduplicate.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			// 26 base32 characters, 128 bits from the OS's CSPRNG: unique
			// without coordination, and unguessable.
			id = rand.Text()
		}
		// Before the handler runs: headers set after WriteHeader are lost,
		// and the client should get its ID on errors too.
		w.Header().Set(RequestIDHeader, id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// validRequestID reports whether a client's ID is safe to keep: bounded,
// and nothing a log line or a header could misread.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ { // bytes: anything non-ASCII fails
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// RequestIDFrom returns the request ID that RequestID stored in ctx, and
// whether there is one.
func RequestIDFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(requestIDKey{}).(string)
	return id, ok
}
