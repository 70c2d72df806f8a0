// Package client is the koan of the production HTTP client: timeouts,
// retries that are safe, and connections that are reused.
//
// # The lesson
//
// [http.DefaultClient] has no timeout. A server that accepts a connection
// and never answers — or answers the headers and then trickles the body —
// holds the caller for ever. [http.Client.Timeout] bounds one request, body
// included; a context deadline ([context.WithTimeout]) bounds anything you
// wrap in it. A client that retries needs both: a per-attempt limit, so a
// stuck attempt gives way to the next, and an overall limit that covers
// every attempt, every wait between them, and the reading of the final
// body. That last part has a trap: a deferred cancel of the overall context
// fires as Do returns and breaks the body the caller has not read yet. The
// context must end when the caller closes the body.
//
// Retry only what is safe to send twice. The server may have acted on a
// request before the connection broke or before it answered 503: sending a
// POST again can place an order twice. RFC 9110 calls GET, HEAD, OPTIONS,
// TRACE, PUT and DELETE idempotent; any other request is safe only if it
// carries an Idempotency-Key header that the server uses to deduplicate
// (net/http's own Transport follows the same rule when it retries on a
// reused connection). And a retry must send the same body: the first
// attempt consumed req.Body, [http.Request.GetBody] makes a fresh one
// ([http.NewRequest] sets it for bytes and strings readers).
//
// Retry only what may succeed next time: connection errors (refused, reset,
// closed before the answer, an attempt that timed out) and the statuses
// that mean "not now" — 429 Too Many Requests, 502 Bad Gateway, 503 Service
// Unavailable, 504 Gateway Timeout. A 500 is usually a bug, and a 4xx will
// fail the same way again.
//
// Wait between attempts, longer each time (exponential backoff), and at
// random (jitter): without jitter, every client that failed at the same
// moment retries at the same moment, and the recovering server meets the
// same stampede again. "Full jitter" waits a random time in [0, ceiling),
// where the ceiling doubles per retry up to a cap ([math/rand/v2.N]). When
// the server says how long to wait — Retry-After, in seconds or as an HTTP
// date ([http.ParseTime]) — that wins; and when the wait would end after the
// overall deadline, there is no point waiting: return the answer you have.
//
// Connections are pooled by [http.Transport], but only a connection whose
// response body was read to the end and closed goes back to the pool. A
// body closed unread costs the connection, and the next request pays a TCP
// handshake (and a TLS one over HTTPS). So a response you throw away is
// drained first — but only so far: the server chooses how big a body is,
// and reading 8 MiB to save one handshake is a bad trade. [io.CopyN] with a
// limit, then Close. [net/http/httptrace] shows the result:
// [httptrace.GotConnInfo].Reused tells whether a request got a pooled
// connection.
//
// # What to build
//
//   - Backoff: the ceiling before retry n — doubling from base, capped,
//     safe from overflow for any n.
//   - ParseRetryAfter: delay-seconds or an HTTP date, as a wait from now.
//   - New: a Client with the package's defaults.
//   - Client.Do: the retry loop — attempts bounded by AttemptTimeout and
//     MaxAttempts, everything bounded by Timeout, waits from Retry-After or
//     Jitter(Backoff(...)), retried responses drained (at most MaxDrain)
//     and closed.
//
// Jitter is a field so that tests can pin it; the tests run inside
// [testing/synctest] bubbles, where time is fake and every wait is checked
// exactly.
//
// # Traps the tests will catch
//
//   - retrying a POST (on a 503 or a broken connection), or a body that
//     cannot be replayed;
//   - retrying statuses that will fail again (500, 4xx);
//   - ignoring Retry-After, or waiting for one that ends after the deadline;
//   - a retried body not drained, or not closed, so the connection is not
//     reused (proved with httptrace) — or drained without a bound;
//   - no overall timeout, a per-attempt timeout that is not retried, a
//     body killed by a deferred cancel, a wait (time.Sleep) that ignores
//     cancellation;
//   - no jitter, or a backoff that overflows after 62 doublings.
//
// The benchmark shows what reuse is worth: the same request over pooled and
// fresh connections ([http.Transport].DisableKeepAlives), over HTTP and
// HTTPS, with the connections each request cost.
//
// # Try it
//
// curl reuses one connection for several URLs on its command line (-v
// prints "Re-using existing connection"); point it at any local server:
//
//	curl -sv http://localhost:8080/ http://localhost:8080/ 2>&1 | grep -i connection
//
// and play an overloaded server with ncat, then call New(nil).Do against
// localhost:8080 from a scratch main and watch it wait five seconds:
//
//	printf 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n' | ncat -l 8080
//
// Read: [http.Client], [http.Transport], [http.Request.GetBody],
// [httptrace.ClientTrace], [http.ParseTime], RFC 9110 §9.2.2 (idempotent
// methods) and §10.2.3 (Retry-After), and the AWS Architecture Blog's
// "Exponential Backoff And Jitter".
package client
