// Package ctxcancel is the koan of giving up: cancelling a dial and a
// blocked read with a [context.Context], and saying why.
//
// # The lesson
//
// A context carries a caller's patience down the call stack: a deadline
// ("answer by 12:00:05"), a cancellation ("the user closed the tab"), or both.
// Every blocking network call a request makes should end when the request's
// context does, and report that it did: errors.Is(err, [context.Canceled])
// when someone cancelled, errors.Is(err, [context.DeadlineExceeded]) when
// time ran out. Callers branch on that difference — retry a timeout, drop a
// cancelled request silently — so getting it wrong is a bug, not a detail.
//
// Contexts nest. [context.WithTimeout] derives a child that ends at its own
// deadline or when its parent ends, whichever comes first, so "each attempt
// at most 2 s, the whole call at most 5 s" is one WithTimeout per attempt
// under the caller's context: the shorter deadline wins by itself. A child
// made from [context.Background] instead has cut the wire — the caller's
// cancel no longer reaches it. Always call the CancelFunc a WithTimeout
// returns (defer it): until then the child stays registered with its parent,
// and its timer lives on (go vet's lostcancel check looks for this).
//
// Dialing takes a context directly: [net.Dialer.DialContext] gives up when
// ctx ends and returns an error that errors.Is reports as ctx's. (The
// message still says "i/o timeout" or "operation was canceled", for history's
// sake: never match error strings.) [net.Dialer] itself tries a host's
// addresses one after another and shares the deadline among them, the
// fallback you build here.
//
// Reading does not: [net.Conn.Read] knows only deadlines. The bridge is
// [context.AfterFunc]: it runs a function on its own goroutine when ctx ends,
// and that function sets the conn's read deadline to a moment in the past,
// which wakes the blocked Read at once with [os.ErrDeadlineExceeded]. The
// reader then reports ctx.Err() — the reason — rather than that bare I/O
// timeout. When the Read returns first, the stop function AfterFunc returned
// unregisters the callback; if stop reports that it ran already, wait for it
// to finish and clear the deadline, or the next Read on the conn fails for
// no reason. The net package's own dialer wakes a pending connect this way,
// and net/http's server a pending read; crypto/tls's HandshakeContext has
// its AfterFunc Close the conn instead — simpler, when the conn is of no use
// after a cancel.
//
// The folklore alternative — Read on a new goroutine, then select on its
// result and ctx.Done() — returns on time but leaves that goroutine blocked
// in Read: a leak, and a thief that will swallow the next bytes the conn
// receives. Polling (short deadlines in a loop, checking ctx.Err() between)
// wakes the CPU for nothing and still answers late.
//
// # What to build
//
//   - Dialer.Dial: try each address in turn, each attempt bounded by Timeout
//     and all of them by ctx; stop at once when ctx ends.
//   - ReadContext: conn.Read that gives up when ctx ends, with ctx.Err(),
//     and leaves the conn usable.
//
// # Traps the tests will catch
//
//   - a Read that ignores cancellation, or notices it only at the next poll;
//   - an I/O timeout, or the wrong one of context.Canceled and
//     context.DeadlineExceeded, returned to the caller;
//   - a goroutine left blocked in Read, or a CancelFunc never called;
//   - a read deadline left in the past, poisoning the conn's next Read;
//   - attempts whose timeout ignores the caller's context, or that carry on
//     to the next address after the caller gave up.
//
// The tests run in [testing/synctest] bubbles over [net.Pipe] and a fake dial
// function: cancellation lands at an exact instant of fake time, and the
// tests check your code returns at that instant.
//
// # Try it
//
// With `ncat -l 127.0.0.1 7009` waiting silently, ReadContext from a conn
// dialled to it under signal.NotifyContext(ctx, os.Interrupt): Ctrl-C ends
// the read with context.Canceled, and the program can still say goodbye on
// the conn.
//
// Read: [context.AfterFunc], [context.WithTimeout], [net.Dialer.DialContext],
// [net.Conn.SetReadDeadline], [errors.Is].
package ctxcancel
