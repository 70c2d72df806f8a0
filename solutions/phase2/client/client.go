//go:build solutions

// Package client is the reference answer to the phase2/client koan.
package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"
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
	return &Client{
		Transport:      rt,
		Timeout:        DefaultTimeout,
		AttemptTimeout: DefaultAttemptTimeout,
		MaxAttempts:    DefaultMaxAttempts,
		BaseDelay:      DefaultBaseDelay,
		MaxDelay:       DefaultMaxDelay,
	}
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
	var ctx context.Context
	var cancel context.CancelFunc
	if c.Timeout > 0 {
		ctx, cancel = context.WithTimeout(req.Context(), c.Timeout)
	} else {
		ctx, cancel = context.WithCancel(req.Context())
	}
	// The http.Client does the rest of the job for one attempt: redirects,
	// and AttemptTimeout, which (unlike a context made here) keeps running
	// while the caller reads the body.
	hc := &http.Client{Transport: c.Transport, Timeout: c.AttemptTimeout}
	canRetry := replayable(req)
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if attempt > 1 && req.GetBody != nil {
			// The first attempt consumed req.Body: replay it.
			body, err := req.GetBody()
			if err != nil {
				cancel()
				return nil, err
			}
			r.Body = body
		}
		resp, err := hc.Do(r)

		retry := canRetry && attempt < max(c.MaxAttempts, 1) && ctx.Err() == nil
		if err != nil {
			retry = retry && isConnError(err)
		} else {
			retry = retry && retryableStatus(resp.StatusCode)
		}
		var wait time.Duration
		if retry {
			wait = c.wait(attempt, resp)
			// Waiting past the deadline would only turn this answer into
			// a timeout error: better hand the caller what we have.
			if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
				retry = false
			}
		}
		if !retry {
			if err != nil {
				cancel()
				return nil, err
			}
			// The overall deadline also covers reading the body, so ctx
			// must live until the caller closes it — a deferred cancel
			// would break the body before the caller reads it.
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
			return resp, nil
		}
		if resp != nil {
			drain(resp.Body)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			cancel()
			return nil, fmt.Errorf("%s %s: waiting to retry: %w", req.Method, req.URL.Redacted(), ctx.Err())
		}
	}
}

// wait returns how long to wait before retry n: what the server asked for
// in Retry-After, else a jittered backoff.
func (c *Client) wait(n int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	ceiling := Backoff(n, c.BaseDelay, c.MaxDelay)
	if c.Jitter != nil {
		return c.Jitter(ceiling)
	}
	if ceiling <= 0 {
		return 0
	}
	// Full jitter: anywhere in [0, ceiling). Clients that failed together
	// then retry at different times instead of in synchronised waves.
	return rand.N(ceiling)
}

// Backoff returns the ceiling of the wait before retry n (n = 1 before the
// second attempt): base·2^(n-1), capped at max. It never overflows: for any
// n it is at most max, and never negative.
func Backoff(n int, base, max time.Duration) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	d := base
	// Double step by step instead of base<<(n-1): a shift by 63 or more
	// wraps to zero or a negative duration.
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// ParseRetryAfter parses a Retry-After header value: delay-seconds (digits
// only) or an HTTP date, which is turned into a wait from now (0 if it has
// passed). A delay too large for a time.Duration is clamped to the largest
// one. ok is false for anything else, the empty string included.
func ParseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	if value == "" {
		return 0, false
	}
	if isDigits(value) {
		secs, err := strconv.ParseInt(value, 10, 64)
		// An error here can only be overflow: digits were checked.
		if err != nil || secs > int64(maxDuration/time.Second) {
			return maxDuration, true
		}
		return time.Duration(secs) * time.Second, true
	}
	// http.ParseTime accepts the three date formats HTTP/1.1 allows.
	date, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	// Sub saturates instead of overflowing for dates far away.
	return max(date.Sub(now), 0), true
}

const maxDuration = time.Duration(1<<63 - 1)

// isDigits reports whether s is one or more ASCII digits. strconv.Atoi
// alone would accept "+5" and "-5", which RFC 9110 does not.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// replayable reports whether req may be sent more than once: an idempotent
// method (RFC 9110 §9.2.2) or an Idempotency-Key, and a body that can be
// produced again.
func replayable(req *http.Request) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false // the first attempt consumes the body
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	// The same convention net/http's Transport follows for its own retries.
	_, key := req.Header["Idempotency-Key"]
	_, xkey := req.Header["X-Idempotency-Key"]
	return key || xkey
}

// retryableStatus: too many requests, and the three statuses a proxy or
// load balancer returns when a backend is down or overloaded. A 500 is
// usually a bug that a retry would only repeat.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// isConnError reports whether err is a failure of the connection rather
// than of the request: worth another attempt. TLS verification failures,
// bad URLs and redirect errors are not.
func isConnError(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // *url.Error is itself a net.Error: look inside it
	}
	var ne net.Error // *net.OpError (dial, read, write) and timeouts
	return errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// drain reads and discards at most MaxDrain bytes of body, then closes it.
// A body read to its end lets the Transport put the connection back in its
// pool; a body closed early costs the connection. Never read without a
// bound: the server chooses the body's size.
func drain(body io.ReadCloser) {
	io.CopyN(io.Discard, body, MaxDrain)
	body.Close()
}

// cancelOnClose releases the overall deadline's timer when the caller is
// done with the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
