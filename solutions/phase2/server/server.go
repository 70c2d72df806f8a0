//go:build solutions

// Package server is the reference answer to the phase2/server koan.
package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
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

// drainingKey is the context key under which New's BaseContext stores the
// server's draining channel. An unexported struct type cannot collide with
// any other package's key.
type drainingKey struct{}

// New returns an *http.Server that serves handler with the limits above:
// ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout and
// MaxHeaderBytes set from the constants of the same names. Its handlers can
// learn that Shutdown has begun from Draining(r.Context()).
func New(handler http.Handler) *http.Server {
	// One channel per server: shutting one server down must not drain
	// another's streams.
	draining := make(chan struct{})
	srv := &http.Server{
		Handler: handler,
		// The slowloris defence: without it, a client that sends one
		// header byte at a time holds a connection (and a goroutine)
		// for ever. Set it even when ReadTimeout is set: it is the one
		// limit that does not also cut slow but honest uploads.
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		// Zero would fall back to ReadTimeout; say what we mean.
		IdleTimeout:    IdleTimeout,
		MaxHeaderBytes: MaxHeaderBytes,
		// Every request's context descends from this one. It carries the
		// draining signal as a value instead of being cancelled: cancelling
		// it would abort every in-flight request the moment Shutdown
		// starts, which is exactly what a graceful shutdown must not do.
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), drainingKey{}, (<-chan struct{})(draining))
		},
	}
	// Shutdown runs its hooks on each call, each in its own goroutine;
	// closing a channel twice panics, hence the Once.
	var once sync.Once
	srv.RegisterOnShutdown(func() { once.Do(func() { close(draining) }) })
	return srv
}

// Draining returns a channel that is closed when Shutdown begins on the
// server (made by New) that is serving the request whose context is ctx.
// Handlers that would otherwise run for ever — streams, long polls — select
// on it to finish early. For a ctx that did not come from such a server it
// returns nil, a channel that never fires.
func Draining(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(drainingKey{}).(<-chan struct{})
	return ch
}

// Shutdown stops srv gracefully: it stops accepting connections, closes
// idle ones, tells handlers it is draining (see Draining) and waits for
// in-flight requests to finish. If ctx ends first, it closes every
// remaining connection and returns ctx's error; otherwise it returns nil
// (or the error from closing srv's listeners).
func Shutdown(ctx context.Context, srv *http.Server) error {
	err := srv.Shutdown(ctx)
	if err != nil && ctx.Err() != nil {
		// http.Server.Shutdown gives up waiting at the deadline but leaves
		// the stragglers running: their handlers would keep going, and the
		// process would exit under them. Close cuts them now, which also
		// cancels their requests' contexts.
		srv.Close()
	}
	return err
}
