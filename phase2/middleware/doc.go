// Package middleware is a koan: HTTP middleware — chaining, a
// status-capturing writer, panic recovery and request IDs.
//
// # The lesson
//
// A middleware is a function from handler to handler,
// func(http.Handler) http.Handler. It returns a handler that does something
// before calling the next one (check a header, put a value in the context),
// after it (log what was sent), or instead of it (refuse the request).
// Stacked, they form an onion: a(b(h)) runs a, then b, then h, and unwinds
// through b, then a. Order is behaviour. Recovery must sit inside logging,
// or the logger never sees the 500 it produced; the request ID must sit
// outside both, or neither can log it. A Chain helper that takes them in
// the order requests meet them keeps the stack readable.
//
// A handler's status and size are not readable from the
// [net/http.ResponseWriter] after the fact, so logging middleware wraps the
// writer in one that records WriteHeader and counts Write. The trap is
// what the wrapper hides. A ResponseWriter may also be an
// [net/http.Flusher] (streaming), an [net/http.Hijacker] (WebSockets), and
// since Go 1.20 it can set per-request deadlines. A struct that embeds
// http.ResponseWriter keeps only the methods of that interface: a handler's
// w.(http.Flusher) now fails and its stream sits in a buffer until it
// returns. The Go 1.20 answer is [net/http.ResponseController]: a wrapper
// provides Unwrap() http.ResponseWriter, and the controller walks through
// any number of wrappers to the real writer. Much code in the wild still
// type-asserts, so a wrapper that flushes should also keep Flush — itself
// done through a ResponseController, since the writer below may be one more
// wrapper. Flushing sends the status line, so it counts as a 200.
//
// net/http recovers a panicking handler itself, but only to log it and drop
// the connection: the client sees a reset, not a 500. Recovery middleware
// turns the panic into a proper 500 and logs it with its stack — to an
// injected [log/slog.Logger], so tests and operators decide where logs go.
// A recover that forgets to write the 500 sends a 200 with an empty body:
// the worst answer, because it looks like success. And once a handler has
// sent its status line, no 500 is possible; panicking again with
// [net/http.ErrAbortHandler] makes net/http break the connection, so the
// client at least sees a truncated response.
//
// A request ID ties together every log line of one request, across
// services. Accept one from the client only after checking it — bounded
// length, a safe alphabet — because it lands in every log line; otherwise
// generate one with [crypto/rand.Text] (Go 1.24). Carry it in the
// request's context under a key of an unexported type (type ctxKey
// struct{}): a string key can collide with any other package's, and vet
// tools flag it.
//
// # What to build
//
//   - Chain: the first middleware outermost.
//   - StatusWriter: records status and size; keeps Flush and Unwrap working.
//   - Recover, Log and RequestID, and RequestIDFrom to read the ID back.
//
// # Traps the tests will catch
//
//   - a Chain that runs the middlewares in reverse;
//   - a writer that hides http.Flusher, or lacks Unwrap so
//     ResponseController cannot set a write deadline, or type-asserts
//     Flusher on the writer below instead of using a ResponseController;
//   - a status that is 0 after Write or Flush, or overwritten by a second
//     WriteHeader or a 103 Early Hints;
//   - a recovered panic answered with 200, a 500 that leaks the panic
//     value, or one appended to a body already being sent;
//   - a client's request ID trusted whatever it holds, or an ID in the
//     context under a string key.
//
// # Try it
//
// Serve middleware.Chain(yourHandler, middleware.RequestID,
// middleware.Log(logger), middleware.Recover(logger)) from a scratch main
// with a handler that panics on /boom, then:
//
//	curl -i -H 'X-Request-Id: abc-123' localhost:8080/boom
//	curl -i -H 'X-Request-Id: not valid!' localhost:8080/
//
// Read: [net/http.ResponseController], [net/http.Flusher],
// [net/http.ErrAbortHandler], [log/slog.Logger.LogAttrs],
// [context.WithValue], [crypto/rand.Text].
package middleware
