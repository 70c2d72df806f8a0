// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package hello

import (
	"net/http"

	"github.com/netkoans/netkoans/internal/todo"
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
	http.Error(w, todo.Text, http.StatusNotImplemented)
}

// Health returns the handler of a health check, the URL a load balancer or
// an orchestrator polls. While ready() reports true it answers 200 OK with
// the body {"status":"ok"} and a newline; otherwise 503 Service Unavailable
// with {"status":"unavailable"} and a newline. Both carry the headers
// "Content-Type: application/json" and "Cache-Control: no-store".
func Health(ready func() bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, todo.Text, http.StatusNotImplemented)
	}
}

// NewHandler returns the service's routes: GET /hello is Hello and
// GET /healthz is Health(ready). Both answer HEAD as GET, without a body.
// Other methods on those two paths get 405 Method Not Allowed with an Allow
// header listing GET and HEAD; any other path gets 404 Not Found.
func NewHandler(ready func() bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, todo.Text, http.StatusNotImplemented)
	})
}
