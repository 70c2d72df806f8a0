// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package client

import (
	"net/http"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
)

// The defaults New sets, and the drain limit Do always applies.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultAttemptTimeout = 10 * time.Second
	DefaultMaxAttempts    = 4
	DefaultBaseDelay      = 100 * time.Millisecond
	DefaultMaxDelay       = 5 * time.Second

	// MaxDrain is the most Do reads of a response body it throws away
	// before retrying. Reading a body to its end lets the Transport reuse
	// the connection; past MaxDrain, a new connection is cheaper than the
	// rest of the body.
	MaxDrain = 64 << 10
)

// Client sends HTTP requests with timeouts and retries. Its fields may be
// changed until its first use; it is then safe for concurrent use.
type Client struct {
	// Transport sends each attempt; nil means http.DefaultTransport.
	Transport http.RoundTripper

	// Timeout bounds a whole Do: every attempt, every wait between
	// attempts, and reading the body of the response it returns. Zero
	// means no overall limit.
	Timeout time.Duration

	// AttemptTimeout bounds each attempt, reading its response body
	// included. A timed-out attempt counts as a connection error. Zero
	// means no per-attempt limit.
	AttemptTimeout time.Duration

	// MaxAttempts caps the attempts Do makes, the first one included.
	// Values below 1 mean 1.
	MaxAttempts int

	// BaseDelay and MaxDelay shape the backoff between attempts; see
	// Backoff.
	BaseDelay, MaxDelay time.Duration

	// Jitter picks the actual wait before a retry from its ceiling (see
	// Backoff): a duration in [0, ceiling). Nil means uniformly at random.
	Jitter func(ceiling time.Duration) time.Duration
}

// New returns a Client that sends through rt (nil: http.DefaultTransport)
// with the defaults above: Timeout DefaultTimeout, AttemptTimeout
// DefaultAttemptTimeout, MaxAttempts DefaultMaxAttempts, BaseDelay
// DefaultBaseDelay, MaxDelay DefaultMaxDelay and a random Jitter.
func New(rt http.RoundTripper) *Client {
	return &Client{Transport: rt}
}

// Do sends req, retrying when that is safe and useful, and returns the last
// response or error. The caller must close the response's body.
//
// Do retries only requests that are safe to send twice: methods GET, HEAD,
// OPTIONS, TRACE, PUT and DELETE, or any method with an Idempotency-Key
// header — and only if the body can be sent again (no body, or GetBody
// set). It retries only on connection errors (a failed dial, a connection
// closed or reset, an attempt that timed out) and on statuses 429, 502,
// 503 and 504; never once req's context or the overall Timeout has ended.
//
// Before retry n (n = 1 before the second attempt) Do waits
// Jitter(Backoff(n, BaseDelay, MaxDelay)) — unless the response carries a
// Retry-After header (seconds or an HTTP date), which sets the wait
// instead. If the wait would end after the overall deadline, Do returns the
// last response or error at once. A response it retries is drained (at most
// MaxDrain bytes) and closed, so that its connection can be reused.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return nil, todo.Err
}

// Backoff returns the ceiling of the wait before retry n (n = 1 before the
// second attempt): base·2^(n-1), capped at max. It never overflows: for any
// n it is at most max, and never negative.
func Backoff(n int, base, max time.Duration) time.Duration {
	return 0
}

// ParseRetryAfter parses a Retry-After header value: delay-seconds (digits
// only) or an HTTP date, which is turned into a wait from now (0 if it has
// passed). A delay too large for a time.Duration is clamped to the largest
// one. ok is false for anything else, the empty string included.
func ParseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	return 0, false
}
