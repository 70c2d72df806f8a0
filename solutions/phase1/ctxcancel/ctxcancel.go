//go:build solutions

// Package ctxcancel is the reference answer to the phase1/ctxcancel koan.
package ctxcancel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
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
	if len(addrs) == 0 {
		return nil, errors.New("ctxcancel: no address to dial")
	}
	dial := d.DialFunc
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var errs []error
	for _, addr := range addrs {
		// Checked before each attempt: a caller who has given up must not
		// cause one more connection.
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("ctxcancel: dial: %w", err)
		}
		conn, err := attempt(ctx, dial, addr, timeout)
		if err == nil {
			return conn, nil
		}
		if ctx.Err() != nil {
			// The caller's ctx ended, not just this attempt's timeout. Report
			// only that: an earlier attempt's DeadlineExceeded in the chain
			// would make a cancellation look like a timeout to errors.Is.
			return nil, fmt.Errorf("ctxcancel: dial %s: %w", addr, ctx.Err())
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("ctxcancel: all %d addresses failed: %w", len(addrs), errors.Join(errs...))
}

// attempt makes one dial under a child of ctx that also ends after timeout:
// the shorter of the two deadlines wins, and the caller's cancel still
// reaches the dial.
func attempt(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	// Releases the child's timer and its link to the parent now, not when
	// the timer fires; the conn does not need the ctx once dialled.
	defer cancel()
	return dial(ctx, "tcp", addr)
}

// aLongTimeAgo is a deadline that has always passed: setting it wakes a
// blocked Read at once. (net/http uses the same value.)
var aLongTimeAgo = time.Unix(1, 0)

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
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if ctx.Done() == nil {
		// context.Background and friends never end: a plain Read, with no
		// callback to register.
		return conn.Read(p)
	}
	// The Read blocks in the runtime's netpoller, where only a deadline (or
	// Close) can reach it. AfterFunc costs no goroutine until ctx ends; then
	// its function moves the deadline into the past, waking the Read.
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		conn.SetReadDeadline(aLongTimeAgo)
		close(interrupted)
	})
	n, err := conn.Read(p)
	if stop() {
		// The Read finished first, and the callback will never run: the
		// conn's deadline was not touched.
		return n, err
	}
	// ctx ended and the callback has started. Wait for it to finish, or its
	// SetReadDeadline could land after the reset below and poison the next
	// Read.
	<-interrupted
	conn.SetReadDeadline(time.Time{})
	if err != nil {
		// The error is the I/O timeout we caused (or raced with it); the
		// caller needs the reason: Canceled or DeadlineExceeded.
		return n, ctx.Err()
	}
	// Data arrived as ctx ended: it has been read, so return it.
	return n, nil
}
