// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package middleware

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/netkoans/netkoans/internal/todo"
)

// Middleware wraps a handler in behaviour of its own: code that runs before
// the handler, after it, or instead of it.
type Middleware func(http.Handler) http.Handler

// Chain returns h wrapped in mws, the first outermost: Chain(h, a, b) is
// a(b(h)). A request meets a first, then b, then h; the response passes
// back through b, then a. Chain(h) is h.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
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

	// Add what else you need.
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
	w.ResponseWriter.WriteHeader(code) // and record nothing, for now
}

// Write sends body bytes, first a 200 status line if none was sent (as
// http.ResponseWriter does), and adds what was written to Size.
func (w *StatusWriter) Write(p []byte) (int, error) {
	return w.ResponseWriter.Write(p) // and count nothing, for now
}

// Flush sends any buffered data to the client, first a 200 status line if
// none was sent. It reaches the underlying writer with
// http.NewResponseController, through any wrappers that Unwrap; it does
// nothing if no writer down the chain can flush.
func (w *StatusWriter) Flush() {
}

// Unwrap returns the writer it wraps, for http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter {
	return nil
}

// Status returns the status code sent, or 0 if none has been yet.
func (w *StatusWriter) Status() int {
	return 0
}

// Size returns the number of body bytes written.
func (w *StatusWriter) Size() int64 {
	return 0
}

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
	return notYet
}

// Log returns middleware that logs each request to logger after the
// handler returns: level Info, message "request", with the attributes
// "method", "path", "status" (200 if the handler wrote nothing: net/http
// sends that), "size" (body bytes), "duration" and "request_id" (when the
// request has one).
//
// A panic passing through Log is not logged by it: put Recover inside Log.
func Log(logger *slog.Logger) Middleware {
	return notYet
}

// RequestIDHeader carries a request ID, in requests and in responses.
const RequestIDHeader = "X-Request-Id"

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
	return notYet(next)
}

// RequestIDFrom returns the request ID that RequestID stored in ctx, and
// whether there is one.
func RequestIDFrom(ctx context.Context) (string, bool) {
	return "", false
}

// notYet stands in for the middleware you have not written: it answers
// every request with 501 Not Implemented and never calls next. Delete it
// when you are done.
func notYet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, todo.Text, http.StatusNotImplemented)
	})
}
