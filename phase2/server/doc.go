// Package server is the koan of the production http.Server: limits on every
// phase of a connection, and a shutdown that neither drops work nor hangs.
//
// # The lesson
//
// [http.ListenAndServe] serves with a zero [http.Server], and a zero Server
// trusts every client for ever: no time limit on reading a request, on
// writing a response, or on a keep-alive connection waiting for its next
// request. Each connection costs a goroutine, buffers and a file descriptor,
// so a client that never finishes is a resource held until the process dies.
// The classic attack, slowloris, sends a request's headers one line every few
// seconds: a laptop can hold thousands of a server's connections that way
// without using any bandwidth. go vet does not warn; gosec does (G112).
//
// The fields of [http.Server] that close these holes:
//
//   - ReadHeaderTimeout: time to read the request line and headers. The
//     slowloris defence. Zero falls back to ReadTimeout.
//   - ReadTimeout: time to read the whole request, body included, from its
//     first byte. It also cuts honest slow uploads, so keep it generous, or
//     rely on ReadHeaderTimeout and set per-request read deadlines in the
//     handlers that take large bodies ([http.ResponseController]).
//   - WriteTimeout: time from the end of the request's headers to the end of
//     the response. A client that stops reading blocks the handler's writes;
//     this deadline fails them. It also bounds streaming responses: a handler
//     that streams for longer extends its own deadline with
//     [http.ResponseController.SetWriteDeadline].
//   - IdleTimeout: time a keep-alive connection may wait for its next
//     request. Zero falls back to ReadTimeout — rarely what you meant.
//   - MaxHeaderBytes: the most header bytes read into memory per request
//     (the default is 1 MiB; http.Server allows 4 KiB of slack over it).
//     Over the limit the client gets 431 Request Header Fields Too Large.
//
// Stopping is the other half. [http.Server.Close] closes every connection
// at once, in-flight requests included. [http.Server.Shutdown] is the
// graceful way: it closes the listeners (new clients are refused), closes
// idle connections, and waits for active ones to finish. Two details make
// it production-safe or not:
//
//   - Shutdown waits for as long as ctx allows, then returns ctx's error —
//     and leaves the connections it could not drain running. A deploy that
//     stops there exits under handlers still at work. Call Close after a
//     failed Shutdown: it cuts the stragglers and cancels their requests'
//     contexts.
//   - Shutdown does not cancel request contexts, and it cannot know that a
//     stream or long poll will never finish on its own. Such handlers need
//     to be told. [http.Server.RegisterOnShutdown] runs a function when
//     Shutdown begins; [http.Server.BaseContext] chooses the context every
//     request's context descends from. Together: a hook that closes a
//     channel, reachable from r.Context(), that long handlers select on.
//     Do not make the hook cancel the base context itself: that would cut
//     every ordinary in-flight request the moment Shutdown begins. Hooks
//     run on every call to Shutdown, each on its own goroutine, and must
//     not block.
//
// # What to build
//
//   - New: an *http.Server with the five limits set from this package's
//     constants, a BaseContext that carries the server's draining signal,
//     and a shutdown hook that fires it.
//   - Draining: the channel a handler selects on, found in its request's
//     context.
//   - Shutdown: graceful first; when ctx ends, cut the rest and return
//     ctx's error.
//
// # Traps the tests will catch
//
//   - no ReadHeaderTimeout: a slowloris client holds its connection until
//     ReadTimeout, or for ever;
//   - missing ReadTimeout, WriteTimeout, IdleTimeout or MaxHeaderBytes, each
//     against the client that exploits it;
//   - an in-flight request cut by shutdown (Close instead of Shutdown, or a
//     base context cancelled when shutdown begins);
//   - a shutdown that waits past its deadline, or that returns at its
//     deadline but leaves the stuck request running;
//   - a stream never told to drain, or one server's shutdown draining
//     another's streams.
//
// The tests run inside [testing/synctest] bubbles over an in-memory
// listener: time is fake, so a two-minute idle timeout is checked to the
// nanosecond and costs nothing.
//
// # Try it
//
// Serve New(h) on :8080 from a scratch main, then play slowloris by hand and
// watch the server hang up after ReadHeaderTimeout:
//
//	(printf 'GET / HTTP/1.1\r\nHost: x\r\n'; while sleep 1; do printf 'X-A: b\r\n'; done) | ncat localhost 8080
//
// Read: [http.Server], [http.Server.Shutdown], [http.Server.RegisterOnShutdown],
// [http.Server.BaseContext], [http.ResponseController], and Cloudflare's
// "The complete guide to Go net/http timeouts".
package server
