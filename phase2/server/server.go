// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package server

import (
	"context"
	"net/http"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
)

// The limits every server from New enforces. A zero value in http.Server
// means "no limit", and http.ListenAndServe uses a zero Server: every one of
// these is a hole a single misbehaving client can hold open.
const (
	// ReadHeaderTimeout bounds reading a request's line and headers, from
	// the first byte of the request (or the start of the connection).
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading a whole request, headers and body.
	ReadTimeout = 30 * time.Second
	// WriteTimeout bounds writing a response, from the end of the
	// request's headers.
	WriteTimeout = 30 * time.Second
	// IdleTimeout bounds how long a keep-alive connection may wait for
	// its next request.
	IdleTimeout = 2 * time.Minute
	// MaxHeaderBytes bounds the size of a request's line and headers.
	MaxHeaderBytes = 64 << 10
)

// New returns an *http.Server that serves handler with the limits above:
// ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout and
// MaxHeaderBytes set from the constants of the same names. Its handlers can
// learn that Shutdown has begun from Draining(r.Context()).
func New(handler http.Handler) *http.Server {
	// For now, what http.ListenAndServe gives you: no limits at all.
	return &http.Server{Handler: handler}
}

// Draining returns a channel that is closed when Shutdown begins on the
// server (made by New) that is serving the request whose context is ctx.
// Handlers that would otherwise run for ever — streams, long polls — select
// on it to finish early. For a ctx that did not come from such a server it
// returns nil, a channel that never fires.
func Draining(ctx context.Context) <-chan struct{} {
	return nil
}

// Shutdown stops srv gracefully: it stops accepting connections, closes
// idle ones, tells handlers it is draining (see Draining) and waits for
// in-flight requests to finish. If ctx ends first, it closes every
// remaining connection and returns ctx's error; otherwise it returns nil
// (or the error from closing srv's listeners).
func Shutdown(ctx context.Context, srv *http.Server) error {
	return todo.Err
}
