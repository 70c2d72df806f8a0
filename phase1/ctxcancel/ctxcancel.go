// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package ctxcancel

import (
	"context"
	"net"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
)

// DefaultTimeout bounds each dial attempt of a Dialer whose Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Dialer connects over TCP to the first of several addresses that answers.
// The zero value is ready to use.
type Dialer struct {
	// Timeout bounds each attempt; the caller's ctx bounds them all. Zero
	// means DefaultTimeout.
	Timeout time.Duration
	// DialFunc makes one attempt. It must give up when its ctx ends, with an
	// error for which errors.Is reports ctx.Err(), as net.Dialer.DialContext
	// does. Nil means a zero net.Dialer's DialContext. Tests replace it.
	DialFunc func(ctx context.Context, network, address string) (net.Conn, error)
}

// Dial tries addrs in order, calling DialFunc(ctx, "tcp", addr) with a ctx
// that ends Timeout after the attempt starts or when the caller's ctx ends,
// whichever is first. It returns the first conn that any attempt makes.
//
// An attempt that fails, or runs out of its Timeout, moves Dial on to the
// next address. When every attempt has failed, Dial returns an error that
// wraps each attempt's error (errors.Join).
//
// When the caller's ctx ends — before or during an attempt — Dial stops at
// once, tries no further address, and returns an error that wraps ctx.Err()
// and no other attempt's error: errors.Is tells context.Canceled from
// context.DeadlineExceeded. Dial leaves no context or goroutine behind.
func (d *Dialer) Dial(ctx context.Context, addrs ...string) (net.Conn, error) {
	return nil, todo.Err
}

// ReadContext reads into p from conn, as conn.Read does, but gives up as soon
// as ctx ends. If ctx ends before any data arrives — or has ended before
// ReadContext is called — it returns 0 and ctx.Err(): context.Canceled or
// context.DeadlineExceeded, never the I/O timeout it used to wake the Read.
//
// It interrupts the Read through conn's read deadline, so the caller must
// not set one of its own (put the deadline in ctx instead). It returns
// leaving conn usable: no read deadline left behind, no goroutine still
// reading from conn.
func ReadContext(ctx context.Context, conn net.Conn, p []byte) (int, error) {
	return 0, todo.Err
}
