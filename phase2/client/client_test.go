package client_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/client"
)

// Most tests run inside a synctest bubble, against a scripted server on the
// kit's pipe listener: time is fake, so every wait between attempts is
// checked to the nanosecond and costs nothing.

// backend is a scripted server: it records every request it receives and
// answers attempt n (from 1) with answer(n, w, r).
type backend struct {
	URL   string
	start time.Time

	mu   sync.Mutex
	seen []seen
}

type seen struct {
	at     time.Duration // since the backend started
	method string
	body   string
}

func newBackend(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *backend {
	t.Helper()
	b := &backend{start: time.Now()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.seen = append(b.seen, seen{time.Since(b.start), r.Method, string(body)})
		n := len(b.seen)
		b.mu.Unlock()
		answer(n, w, r)
	})}
	b.URL = koantest.ServePipe(t, srv).URL()
	return b
}

// attempts returns what the backend has seen so far.
func (b *backend) attempts() []seen {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.seen)
}

// times returns when each attempt arrived, since the backend started.
func (b *backend) times() []time.Duration {
	var ts []time.Duration
	for _, s := range b.attempts() {
		ts = append(ts, s.at)
	}
	return ts
}

// status answers with code and body.
func status(w http.ResponseWriter, code int, body string) {
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// hangUp closes the connection without an answer: a connection error.
func hangUp(w http.ResponseWriter) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		c.Close()
	}
}

// transport returns a Transport that dials pipe listeners and counts its
// dials; its idle connections are closed when the test ends.
func transport(t *testing.T) (*http.Transport, *atomic.Int32) {
	dials := new(atomic.Int32)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return koantest.DialPipe(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return tr, dials
}

// newClient returns client.New over a pipe transport, with immediate
// retries unless the test sets Jitter itself.
func newClient(t *testing.T) *client.Client {
	tr, _ := transport(t)
	c := client.New(tr)
	require.NotNil(t, c, "New returned nil")
	c.Jitter = func(time.Duration) time.Duration { return 0 }
	return c
}

// outcome is what a Do call led to, body included.
type outcome struct {
	status   int
	header   http.Header
	body     string
	err      error         // from Do
	bodyErr  error         // from reading the body
	returned time.Duration // when Do returned, since do was called
	read     time.Duration // when the body had been read
}

// giveUp is how long (in bubble time) a test waits for Do.
const giveUp = time.Hour

// do runs c.Do(req) on its own goroutine, reads the response body to its
// end, closes it, and returns the outcome. When the test ends, req's
// context is cancelled and the goroutine waited for, so that a wrong answer
// cannot outlive the bubble.
func do(t *testing.T, c *client.Client, req *http.Request) outcome {
	t.Helper()
	ctx, cancel := context.WithCancel(req.Context())
	req = req.WithContext(ctx)
	start := time.Now()
	done := make(chan outcome, 1)
	finished := make(chan struct{})
	var returned atomic.Int64 // when Do returned, or -1
	returned.Store(-1)
	go func() {
		defer close(finished)
		var o outcome
		resp, err := c.Do(req)
		o.returned, o.err = time.Since(start), err
		returned.Store(int64(o.returned))
		if err == nil && resp == nil {
			o.err = errors.New("Do returned a nil response and a nil error: return one or the other")
		} else if err == nil {
			o.status, o.header = resp.StatusCode, resp.Header
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			o.body, o.bodyErr, o.read = string(b), err, time.Since(start)
		}
		done <- o
	}()
	t.Cleanup(func() {
		cancel()
		if _, ok := koantest.Within(finished, giveUp); !ok {
			t.Errorf("Do was still running %v after the test ended and cancelled its request's context", giveUp)
		}
	})
	o, ok := koantest.Within(done, giveUp)
	if !ok {
		if r := returned.Load(); r >= 0 {
			t.Fatalf("Do returned after %v, but reading the response body had not ended after %v", time.Duration(r), giveUp)
		}
		t.Fatalf("Do had not returned after %v", giveUp)
	}
	return o
}

func newRequest(t testing.TB, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	return req
}

func TestBackoff(t *testing.T) {
	const base, maxDelay = 100 * time.Millisecond, time.Second
	for _, tc := range []struct {
		n         int
		base, max time.Duration
		want      time.Duration
	}{
		{1, base, maxDelay, 100 * time.Millisecond},
		{2, base, maxDelay, 200 * time.Millisecond},
		{3, base, maxDelay, 400 * time.Millisecond},
		{4, base, maxDelay, 800 * time.Millisecond},
		{5, base, maxDelay, time.Second},
		{6, base, maxDelay, time.Second},
		// base<<63 is zero and base<<62 negative: the cap must hold anyway.
		{62, base, maxDelay, time.Second},
		{64, base, maxDelay, time.Second},
		{1000, base, maxDelay, time.Second},
		{1 << 20, base, maxDelay, time.Second},
		{1, 2 * time.Second, time.Second, time.Second},
	} {
		got := client.Backoff(tc.n, tc.base, tc.max)
		require.Equal(t, tc.want, got,
			"Backoff(%d, %v, %v) = %v, want %v\n"+
				"hint: base·2^(n-1), capped at max — and base<<(n-1) overflows for large n: stop doubling once at max",
			tc.n, tc.base, tc.max, got, tc.want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	const huge = time.Duration(1<<63 - 1)
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"120", 2 * time.Minute, true},
		{"0", 0, true},
		{"Wed, 21 Oct 2015 07:29:00 GMT", time.Minute, true},          // IMF-fixdate, the one to send
		{"Wednesday, 21-Oct-15 07:29:30 GMT", 90 * time.Second, true}, // RFC 850, obsolete but allowed
		{"Wed Oct 21 07:30:00 2015", 2 * time.Minute, true},           // asctime, likewise
		{"Wed, 21 Oct 2015 07:00:00 GMT", 0, true},                    // already passed: go now
		{"9223372037", huge, true},                                    // just over the largest Duration
		{"99999999999999999999", huge, true},                          // too large even for int64
		{"", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"soon", 0, false},
		{"Wed, 21 Oct 2015", 0, false},
	} {
		got, ok := client.ParseRetryAfter(tc.value, now)
		require.Equal(t, tc.ok, ok, "ParseRetryAfter(%q): ok = %v, want %v\n"+
			"hint: Retry-After is delay-seconds (digits only) or an HTTP date (http.ParseTime)", tc.value, ok, tc.ok)
		require.Equal(t, tc.want, got, "ParseRetryAfter(%q) at %v = %v, want %v\n"+
			"hint: a date becomes date.Sub(now), never negative; seconds too large for a Duration clamp to the largest one instead of overflowing",
			tc.value, now.Format(http.TimeFormat), got, tc.want)
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "-1", "+1", "99999999999999999999", "9223372036", "9223372037",
		"Wed, 21 Oct 2015 07:29:00 GMT", "Wednesday, 21-Oct-15 07:29:30 GMT", "Wed Oct 21 07:30:00 2015",
		"Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "", "1e3", "0x10", "٣"} {
		f.Add(s, int64(1445412480))
	}
	f.Fuzz(func(t *testing.T, value string, unix int64) {
		now := time.Unix(unix, 0)
		got, ok := client.ParseRetryAfter(value, now)
		if got < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v: a wait is never negative", value, got)
		}
		if !ok && got != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, false: an invalid value waits 0", value, got)
		}
		digits := value != "" && strings.Trim(value, "0123456789") == ""
		if digits && !ok {
			t.Fatalf("ParseRetryAfter(%q) = false: delay-seconds must be accepted", value)
		}
		if date, err := http.ParseTime(value); err == nil {
			want := max(date.Sub(now), 0)
			if !ok || got != want {
				t.Fatalf("ParseRetryAfter(%q) at %v = %v, %v; want %v, true", value, now, got, ok, want)
			}
		}
	})
}

func TestRetriesOnlyTheseStatuses(t *testing.T) {
	for _, tc := range []struct {
		code     int
		attempts int
	}{
		{http.StatusTooManyRequests, 3},
		{http.StatusBadGateway, 3},
		{http.StatusServiceUnavailable, 3},
		{http.StatusGatewayTimeout, 3},
		{http.StatusInternalServerError, 1}, // a bug, most likely: it would fail again
		{http.StatusNotImplemented, 1},
		{http.StatusBadRequest, 1},
		{http.StatusNotFound, 1},
		{http.StatusOK, 1},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
					if n < 3 {
						status(w, tc.code, "first answer")
					} else {
						status(w, http.StatusOK, "ok")
					}
				})
				c := newClient(t)
				c.MaxAttempts = 5
				o := do(t, c, newRequest(t, "GET", b.URL, nil))
				require.NoError(t, o.err)
				got := len(b.attempts())
				require.Equal(t, tc.attempts, got,
					"a GET answered %d was sent %d times, want %d\n"+
						"hint: retry 429, 502, 503 and 504 (overload, or a proxy that lost its backend) — nothing else; a 500 would only fail again",
					tc.code, got, tc.attempts)
				if tc.attempts == 1 {
					require.Equal(t, tc.code, o.status, "Do must return the response it did not retry")
					require.Equal(t, "first answer", o.body, "Do must return the response it did not retry, body untouched")
				} else {
					require.Equal(t, http.StatusOK, o.status)
					require.Equal(t, "ok", o.body, "Do must return the last response with its body intact — drain only the responses you retry")
				}
			})
		})
	}
}

// noReplay is a body that http.NewRequest cannot make GetBody for.
type noReplay struct{ io.Reader }

func TestRetriesOnlyWhenSafe(t *testing.T) {
	for _, tc := range []struct {
		name     string
		method   string
		body     io.Reader
		key      bool // set an Idempotency-Key
		attempts int
	}{
		{"GET", "GET", nil, false, 3},
		{"HEAD", "HEAD", nil, false, 3},
		{"OPTIONS", "OPTIONS", nil, false, 3},
		{"DELETE", "DELETE", nil, false, 3},
		{"PUT replays its body", "PUT", strings.NewReader("data"), false, 3},
		{"POST", "POST", strings.NewReader("data"), false, 1},
		{"PATCH", "PATCH", strings.NewReader("data"), false, 1},
		{"POST with an Idempotency-Key replays its body", "POST", strings.NewReader("data"), true, 3},
		{"POST with an Idempotency-Key and no body", "POST", nil, true, 3},
		{"POST with an Idempotency-Key but a body without GetBody", "POST", noReplay{strings.NewReader("data")}, true, 1},
		{"PUT with a body without GetBody", "PUT", noReplay{strings.NewReader("data")}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
					status(w, http.StatusServiceUnavailable, "still down")
				})
				c := newClient(t)
				c.MaxAttempts = 3
				req := newRequest(t, tc.method, b.URL, tc.body)
				if tc.key {
					req.Header.Set("Idempotency-Key", "8e03978e-40d5-43e8-bc93-6894a57f9324")
				}
				o := do(t, c, req)
				require.NoError(t, o.err)
				got := b.attempts()
				if tc.attempts == 1 {
					require.Len(t, got, 1,
						"%s was sent %d times, want once: a server may act on a request and fail after — sending it again could charge a card twice\n"+
							"hint: retry only idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) or requests with an Idempotency-Key, and only if req.GetBody can replay the body",
						tc.name, len(got))
				} else {
					require.Len(t, got, tc.attempts,
						"%s is safe to retry, and was sent %d times against a server that kept answering 503 (MaxAttempts %d)",
						tc.name, len(got), c.MaxAttempts)
				}
				for i, s := range got {
					if tc.body != nil {
						require.Equal(t, "data", s.body,
							"attempt %d sent the body %q, want %q: the first attempt consumed req.Body\n"+
								"hint: each retry needs a fresh body from req.GetBody()", i+1, s.body, "data")
					}
				}
				require.Equal(t, http.StatusServiceUnavailable, o.status)
				if tc.method != "HEAD" {
					require.Equal(t, "still down", o.body, "the last response must reach the caller untouched — drain only the responses you retry")
				}
			})
		})
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	flaky := func(n int, w http.ResponseWriter, r *http.Request) {
		if n < 3 {
			hangUp(w)
			return
		}
		status(w, http.StatusOK, "ok")
	}
	t.Run("GET after two hang-ups", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, flaky)
			c := newClient(t)
			o := do(t, c, newRequest(t, "GET", b.URL, nil))
			require.NoError(t, o.err, "the server hung up on the first two attempts and answered the third\n"+
				"hint: a connection error (the Transport's error, not a status) is worth a retry for an idempotent request")
			require.Len(t, b.attempts(), 3)
			require.Equal(t, "ok", o.body)
		})
	})
	t.Run("POST after a hang-up", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, flaky)
			c := newClient(t)
			o := do(t, c, newRequest(t, "POST", b.URL, strings.NewReader("order #1")))
			got := len(b.attempts())
			require.Equal(t, 1, got,
				"the POST reached the server %d times, want exactly once: the server may have processed it before hanging up\n"+
					"hint: never retry a non-idempotent request without an Idempotency-Key", got)
			require.Error(t, o.err, "the server hung up on a POST: Do must report the error")
		})
	})
	t.Run("nothing listening", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			l := koantest.ListenPipe(t)
			l.Close() // connection refused from now on
			tr, dials := transport(t)
			c := client.New(tr)
			c.Jitter = func(time.Duration) time.Duration { return 0 }
			c.MaxAttempts = 3
			o := do(t, c, newRequest(t, "GET", l.URL(), nil))
			require.Error(t, o.err, "no server listens there: Do must fail")
			require.Equal(t, int32(3), dials.Load(), "a refused connection is a connection error: Do must try MaxAttempts (3) times")
		})
	})
}

func TestBackoffWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
			status(w, http.StatusServiceUnavailable, "down")
		})
		c := newClient(t)
		c.MaxAttempts = 5
		c.BaseDelay, c.MaxDelay = 100*time.Millisecond, 300*time.Millisecond
		var ceilings []time.Duration
		c.Jitter = func(ceiling time.Duration) time.Duration {
			ceilings = append(ceilings, ceiling)
			return ceiling / 2
		}
		o := do(t, c, newRequest(t, "GET", b.URL, nil))
		require.NoError(t, o.err)

		ms := time.Millisecond
		require.Equal(t, []time.Duration{100 * ms, 200 * ms, 300 * ms, 300 * ms}, ceilings,
			"Jitter was called with %v; want the backoff ceilings before each retry\n"+
				"hint: wait Jitter(Backoff(n, BaseDelay, MaxDelay)) before retry n", ceilings)
		require.Equal(t, []time.Duration{0, 50 * ms, 150 * ms, 300 * ms, 450 * ms}, b.times(),
			"the attempts arrived at %v; each wait must be exactly what Jitter returned (here half its ceiling)\n"+
				"hint: full jitter — the wait is the jittered value itself, not the ceiling plus or minus a little", b.times())
	})
}

func TestDefaultJitterIsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
			status(w, http.StatusServiceUnavailable, "down")
		})
		tr, _ := transport(t)
		c := client.New(tr) // Jitter nil: random
		c.Timeout = time.Hour
		c.MaxAttempts = 30
		c.BaseDelay, c.MaxDelay = time.Second, time.Second
		o := do(t, c, newRequest(t, "GET", b.URL, nil))
		require.NoError(t, o.err)
		times := b.times()
		require.Len(t, times, 30)
		var waits []time.Duration
		for i := 1; i < len(times); i++ {
			waits = append(waits, times[i]-times[i-1])
		}
		const hint = "\nhint: full jitter draws each wait uniformly from [0, ceiling) — math/rand/v2's rand.N(ceiling) — so clients that failed together do not retry together"
		for _, w := range waits {
			require.True(t, w >= 0 && w < time.Second, "with Jitter nil and a 1s ceiling, a wait of %v is out of [0, 1s)"+hint, w)
		}
		require.Less(t, slices.Min(waits), 500*time.Millisecond, "29 waits, none under half the ceiling: that is not full jitter (waits %v)"+hint, waits)
		require.NotEqual(t, slices.Min(waits), slices.Max(waits), "every wait was %v: no jitter at all"+hint, waits[0])
	})
}

func TestHonoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		code       int
		retryAfter func() string // the header, made when the server answers
		want       time.Duration // when the second attempt should come
	}{
		{"seconds", http.StatusServiceUnavailable, func() string { return "7" }, 7 * time.Second},
		{"an HTTP date", http.StatusTooManyRequests, func() string {
			return time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
		}, 30 * time.Second},
		{"longer than MaxDelay", http.StatusServiceUnavailable, func() string { return "20" }, 20 * time.Second},
		{"unparseable: back off as usual", http.StatusServiceUnavailable, func() string { return "soon" }, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var header string
				b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
					if n == 1 {
						header = tc.retryAfter()
						w.Header().Set("Retry-After", header)
						status(w, tc.code, "come back later")
						return
					}
					status(w, http.StatusOK, "ok")
				})
				c := newClient(t)
				c.Timeout = time.Minute
				c.BaseDelay, c.MaxDelay = 100*time.Millisecond, time.Second
				c.Jitter = func(ceiling time.Duration) time.Duration { return ceiling }
				o := do(t, c, newRequest(t, "GET", b.URL, nil))
				require.NoError(t, o.err)
				require.Equal(t, "ok", o.body)
				times := b.times()
				require.Len(t, times, 2)
				require.Equal(t, tc.want, times[1],
					"the retry came %v after a %d with Retry-After: %s; want %v\n"+
						"hint: the server said when to come back — ParseRetryAfter the header and wait that long instead of the backoff (which is 100ms here)",
					times[1], tc.code, header, tc.want)
			})
		})
	}
}

// A Retry-After that ends after the overall deadline: waiting would only
// turn the server's answer into a timeout.
func TestRetryAfterPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3600")
			status(w, http.StatusServiceUnavailable, "back in an hour")
		})
		c := newClient(t)
		c.Timeout = time.Minute
		o := do(t, c, newRequest(t, "GET", b.URL, nil))
		require.NoError(t, o.err, "the server said to come back in an hour, after Do's 1m Timeout: Do must return the 503 at once, not a timeout\n"+
			"hint: if the wait would end after ctx's deadline (ctx.Deadline()), return the response you have")
		require.Zero(t, o.returned, "Do waited %v before returning a 503 whose Retry-After (1h) ends after its 1m Timeout", o.returned)
		require.Equal(t, http.StatusServiceUnavailable, o.status)
		require.Equal(t, "3600", o.header.Get("Retry-After"), "the caller should see Retry-After")
		require.Equal(t, "back in an hour", o.body)
		require.Len(t, b.attempts(), 1, "the server said to come back in an hour; Do must not ask again sooner")
	})
}

func TestMaxAttempts(t *testing.T) {
	for _, tc := range []struct{ max, want int }{{0, 1}, {1, 1}, {2, 2}, {6, 6}} {
		t.Run(fmt.Sprintf("MaxAttempts=%d", tc.max), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
					status(w, http.StatusServiceUnavailable, fmt.Sprintf("still down (attempt %d)", n))
				})
				c := newClient(t)
				c.MaxAttempts = tc.max
				o := do(t, c, newRequest(t, "GET", b.URL, nil))
				require.NoError(t, o.err, "a 503 is a response, not an error: after the last attempt Do returns it")
				require.Len(t, b.attempts(), tc.want, "MaxAttempts %d against a server that is always down: want %d attempts in all, the first included", tc.max, tc.want)
				require.Equal(t, fmt.Sprintf("still down (attempt %d)", tc.want), o.body,
					"Do must return the last response, body untouched — drain only the responses you retry")
			})
		})
	}
}

// The proof that bodies are drained: httptrace shows whether each attempt
// got a fresh connection or a pooled one.
func TestRetriesReuseTheConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n < 3 {
				status(w, http.StatusServiceUnavailable, strings.Repeat("overloaded, try again later\n", 150)) // 4 KiB
				return
			}
			status(w, http.StatusOK, "ok")
		})
		tr, dials := transport(t)
		c := client.New(tr)
		c.Jitter = func(time.Duration) time.Duration { return 0 }
		var mu sync.Mutex
		var reused []bool
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			defer mu.Unlock()
			reused = append(reused, info.Reused)
		}}
		req := newRequest(t, "GET", b.URL, nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		o := do(t, c, req)
		require.NoError(t, o.err)
		require.Equal(t, "ok", o.body)
		mu.Lock()
		defer mu.Unlock()
		require.Equal(t, []bool{false, true, true}, reused,
			"GotConnInfo.Reused for each attempt; want the first on a new connection and the retries on the same one (%d dials)\n"+
				"hint: the Transport reuses a connection only after its response body was read to the end and closed — drain (a bounded amount) and close each response you retry",
			dials.Load())
	})
}

// A server chooses how big a body is. Draining it to reuse the connection
// must stop somewhere.
func TestDrainIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const huge = 8 << 20
		var sent atomic.Int64
		b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n > 1 {
				status(w, http.StatusOK, "ok")
				return
			}
			w.Header().Set("Content-Length", fmt.Sprint(huge))
			w.WriteHeader(http.StatusServiceUnavailable)
			chunk := make([]byte, 32<<10)
			for range huge / len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				sent.Add(int64(len(chunk)))
			}
		})
		c := newClient(t)
		o := do(t, c, newRequest(t, "GET", b.URL, nil))
		require.NoError(t, o.err)
		require.Equal(t, "ok", o.body)
		require.Less(t, sent.Load(), int64(1<<20),
			"the client took %d bytes of an 8 MiB 503 body it was about to throw away; want about MaxDrain (%d) at most\n"+
				"hint: io.CopyN(io.Discard, body, MaxDrain), then Close: past that, a new connection is cheaper than the rest of the body",
			sent.Load(), client.MaxDrain)
	})
}

// hang is a handler that never answers (until its request is cancelled).
func hang(n int, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestOverallTimeout(t *testing.T) {
	t.Run("a server that never answers, with New's defaults", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, hang)
			tr, _ := transport(t)
			c := client.New(tr)
			o := do(t, c, newRequest(t, "GET", b.URL, nil))
			require.ErrorIs(t, o.err, context.DeadlineExceeded, "Do against a server that never answers must fail with a timeout")
			require.Equal(t, client.DefaultTimeout, o.returned,
				"Do against a server that never answers returned after %v (%d attempts); want exactly New's Timeout, DefaultTimeout (%v):\n"+
					"each attempt times out after AttemptTimeout and is retried, until the overall Timeout ends it all\n"+
					"hint: one context.WithTimeout(req.Context(), c.Timeout) around every attempt and every wait",
				o.returned, len(b.attempts()), client.DefaultTimeout)
		})
	})
	t.Run("it covers the body", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "the start of a body that never ends")
				http.NewResponseController(w).Flush()
				<-r.Context().Done()
			})
			c := newClient(t)
			c.Timeout, c.AttemptTimeout = 5*time.Second, 0
			o := do(t, c, newRequest(t, "GET", b.URL, nil))
			require.NoError(t, o.err)
			require.Zero(t, o.returned, "the headers came at once")
			require.ErrorIs(t, o.bodyErr, context.DeadlineExceeded,
				"reading a body that never ends: got error %v after %v; want a timeout at Timeout (5s)\n"+
					"hint: keep the overall context alive until the caller closes the body", o.bodyErr, o.read)
			require.Equal(t, 5*time.Second, o.read, "the body read must end at the overall deadline")
		})
	})
	t.Run("the body outlives Do", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				http.NewResponseController(w).Flush()
				select { // the body comes a second after the headers
				case <-time.After(time.Second):
					io.WriteString(w, "worth the wait")
				case <-r.Context().Done():
				}
			})
			c := newClient(t)
			c.Timeout = time.Minute
			o := do(t, c, newRequest(t, "GET", b.URL, nil))
			require.NoError(t, o.err)
			require.NoError(t, o.bodyErr,
				"reading the body after Do returned failed\n"+
					"hint: a deferred cancel() of the overall context kills the body as Do returns — cancel it when the caller closes the body instead")
			require.Equal(t, "worth the wait", o.body)
		})
	})
	t.Run("the caller cancels during a wait", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "20")
				status(w, http.StatusServiceUnavailable, "later")
			})
			c := newClient(t)
			c.Timeout = time.Minute
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(time.Second, cancel)
			req := newRequest(t, "GET", b.URL, nil).WithContext(ctx)
			o := do(t, c, req)
			require.ErrorIs(t, o.err, context.Canceled, "the caller cancelled while Do waited to retry: Do must return ctx's error")
			require.Equal(t, time.Second, o.returned,
				"Do returned %v after starting, though its caller cancelled at 1s during a 20s wait\n"+
					"hint: wait with select on a timer and ctx.Done(), not time.Sleep", o.returned)
			require.Len(t, b.attempts(), 1)
		})
	})
}

func TestAttemptTimeout(t *testing.T) {
	stuckOnce := func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			<-r.Context().Done()
			return
		}
		status(w, http.StatusOK, "ok")
	}
	t.Run("GET: a stuck attempt is retried", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, stuckOnce)
			c := newClient(t)
			c.Timeout, c.AttemptTimeout = time.Minute, 2*time.Second
			c.BaseDelay = 100 * time.Millisecond
			c.Jitter = func(ceiling time.Duration) time.Duration { return ceiling }
			o := do(t, c, newRequest(t, "GET", b.URL, nil))
			require.NoError(t, o.err,
				"the first attempt hung; Do should have given up on it after AttemptTimeout (2s) and tried again\n"+
					"hint: http.Client.Timeout bounds one attempt (body included); a timed-out attempt is a connection error")
			require.Equal(t, "ok", o.body)
			require.Equal(t, []time.Duration{0, 2*time.Second + 100*time.Millisecond}, b.times(),
				"want the second attempt at AttemptTimeout (2s) + the backoff (100ms)")
		})
	})
	t.Run("POST: a stuck attempt is not", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newBackend(t, stuckOnce)
			c := newClient(t)
			c.Timeout, c.AttemptTimeout = time.Minute, 2*time.Second
			o := do(t, c, newRequest(t, "POST", b.URL, strings.NewReader("order #2")))
			require.ErrorIs(t, o.err, context.DeadlineExceeded, "a POST whose attempt timed out must fail with that timeout (it reached the server %d times)", len(b.attempts()))
			require.Equal(t, 2*time.Second, o.returned, "want the POST to fail at AttemptTimeout (2s)")
			require.Len(t, b.attempts(), 1, "a POST that timed out may have been processed: never send it again")
		})
	})
}

// Pooled against fresh connections, over real loopback: what a response
// body left unread (or DisableKeepAlives) costs. Each fresh connection is
// a TCP handshake — and over TLS a TLS handshake, far dearer.
func BenchmarkPooledVsFresh(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, proto := range []string{"http", "https"} {
		for _, fresh := range []bool{false, true} {
			name := proto + "/pooled"
			if fresh {
				name = proto + "/fresh"
			}
			b.Run(name, func(b *testing.B) {
				ts := httptest.NewUnstartedServer(h)
				var conns atomic.Int64
				ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
					if s == http.StateNew {
						conns.Add(1)
					}
				}
				if proto == "https" {
					ts.StartTLS()
				} else {
					ts.Start()
				}
				defer ts.Close()
				tr := ts.Client().Transport.(*http.Transport).Clone()
				tr.DisableKeepAlives = fresh
				if proto == "https" {
					// Resumed sessions would hide most of the handshake cost.
					tr.TLSClientConfig.ClientSessionCache = nil
					tr.TLSClientConfig.MinVersion = tls.VersionTLS13
				}
				defer tr.CloseIdleConnections()
				c := client.New(tr)
				get := func() {
					resp, err := c.Do(newRequest(b, "GET", ts.URL, nil))
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				get() // warm the pool: the pooled case then dials no more
				conns.Store(0)
				b.ReportAllocs()
				for b.Loop() {
					get()
				}
				b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
			})
		}
	}
}
