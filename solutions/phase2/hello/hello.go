//go:build solutions

// Package hello is the reference answer to the phase2/hello koan.
package hello

import (
	"io"
	"net/http"
	"unicode/utf8"
)

// MaxNameLen is the longest name, in bytes, that Hello accepts.
const MaxNameLen = 64

// Hello greets the caller by the first "name" parameter of the query
// string. For /hello?name=Ada it answers 200 OK with the body
// "Hello, Ada!\n" and the headers "Content-Type: text/plain; charset=utf-8"
// and "X-Content-Type-Options: nosniff" (the body echoes client input: no
// browser may take it for HTML). With no name, or an empty one, it greets
// "world". A name longer than MaxNameLen bytes, or not valid UTF-8, is
// refused with http.Error: status
// 400 Bad Request and the message "name too long" or "name is not valid
// UTF-8".
func Hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	// Client input is untrusted: bound it before echoing it back, and keep
	// the body what its charset says it is.
	switch {
	case len(name) > MaxNameLen:
		// http.Error sets the status, a text/plain Content-Type and
		// X-Content-Type-Options: nosniff, so no browser guesses HTML.
		http.Error(w, "name too long", http.StatusBadRequest)
		return
	case !utf8.ValidString(name):
		http.Error(w, "name is not valid UTF-8", http.StatusBadRequest)
		return
	case name == "":
		name = "world"
	}
	// Headers first. They leave with the status line, at the first Write
	// (or WriteHeader); whatever is set in w.Header() after that is lost.
	// Set explicitly, Content-Type is not left to net/http's guess from the
	// first bytes of the body (http.DetectContentType), and nosniff tells
	// browsers not to guess either: a name like "<script>…" stays text.
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	// No WriteHeader: the first Write sends 200 OK.
	io.WriteString(w, "Hello, "+name+"!\n")
}

// Health returns the handler of a health check, the URL a load balancer or
// an orchestrator polls. While ready() reports true it answers 200 OK with
// the body {"status":"ok"} and a newline; otherwise 503 Service Unavailable
// with {"status":"unavailable"} and a newline. Both carry the headers
// "Content-Type: application/json" and "Cache-Control: no-store".
func Health(ready func() bool) http.HandlerFunc {
	// A func literal converts to http.HandlerFunc, whose ServeHTTP method
	// calls it: that makes any function of this shape an http.Handler.
	return func(w http.ResponseWriter, r *http.Request) {
		status, body := http.StatusOK, `{"status":"ok"}`+"\n"
		if !ready() {
			status, body = http.StatusServiceUnavailable, `{"status":"unavailable"}`+"\n"
		}
		// The order is the protocol's: headers, then the status line
		// (WriteHeader), then the body. A WriteHeader after a Write is
		// ignored ("superfluous response.WriteHeader call"), and so is a
		// header set after either.
		h := w.Header()
		h.Set("Content-Type", "application/json")
		// A cached "ok" would hide an outage from whoever polls.
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// NewHandler returns the service's routes: GET /hello is Hello and
// GET /healthz is Health(ready). Both answer HEAD as GET, without a body.
// Other methods on those two paths get 405 Method Not Allowed with an Allow
// header listing GET and HEAD; any other path gets 404 Not Found.
func NewHandler(ready func() bool) http.Handler {
	mux := http.NewServeMux()
	// Go 1.22 patterns: a method in the pattern restricts the route (GET
	// matches HEAD too), and ServeMux itself answers other methods with
	// 405 and an Allow header. A pattern without a trailing slash matches
	// that path exactly.
	mux.HandleFunc("GET /hello", Hello)
	mux.Handle("GET /healthz", Health(ready))
	return mux
}
