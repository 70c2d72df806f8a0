package main

// The curriculum: the koans in the order a learner meets them, with their
// hints. This is the one place both live; `verify` checks that it and the
// tree agree, and that the README's table names every koan.

// A phase groups koans; its koans are the packages under Dir.
type phase struct {
	Dir   string // "phase1"
	Title string
}

var phases = []phase{
	{"phase1", "foundations: net, bufio/io, context"},
	{"phase2", "high-level HTTP"},
	{"phase3", "concurrency and robustness"},
	{"phase4", "advanced HTTP"},
	{"phase5", "production habits"},
	{"capstone", "capstones"},
}

// A koan is one package: Phase/Name, e.g. phase1/tcpecho.
type koan struct {
	Phase string
	Name  string
	Hint  string // for a stuck learner: the idea and where to look, not the answer
}

// Path is the koan's directory relative to the module root.
func (k koan) Path() string { return k.Phase + "/" + k.Name }

var curriculum = []koan{
	{"phase1", "tcpecho", `
Serve is a loop: Accept, then "go Handle(conn)" — never Handle inline, or the
second client waits for the first to leave. Return Accept's error.
Handle can be one line plus a defer: io.Copy(conn, conn) reads until io.EOF and
writes everything back; "defer conn.Close()" ends the client's wait after a
half-close.
Echo: one Read may return part of a line. Keep a bufio.Reader on the conn (make
it in NewClient) and use ReadString('\n').`},
	{"phase1", "udp", `
UDP keeps message boundaries: one Write sends one datagram and one read
returns one — never loop, split or add delimiters.
A read into a buffer too small cuts the datagram silently: read into one
byte more than the limit, and more than the limit means too large.
Set a read deadline before every read that may wait, and clear it when you
want to wait for ever. Serve replies to the address the read returned
(WriteToUDPAddrPort); a connected socket (net.Dial "udp") hears only its peer.`},
	{"phase1", "portscan", `
Bound concurrency with a fixed pool of workers fed from a channel, not a
goroutine per port. Give each dial its own context.WithTimeout derived from
the scan's ctx, so a port that never answers costs one timeout, not the scan.
errors.Is(err, syscall.ECONNREFUSED) means closed. Sorted and complete:
sort and deduplicate the ports first and let the worker for ports[i] write
results[i]. On cancel, stop handing out ports, wait for the workers, return
ctx.Err().`},
	{"phase1", "deadlines", `
A deadline is a point in time, not a duration: it does not move by itself.
Set the read deadline again before every line (not once, and not before every
Read, or a client trickling one byte at a time lives forever).
Check timeouts with errors.Is(err, os.ErrDeadlineExceeded) — the error is
wrapped in a *net.OpError, so == misses it. The goodbye needs a write deadline
of its own; bound line length with bufio.NewReaderSize and ReadSlice.`},
	{"phase1", "lineproto", `
Wrap the conn in bufio.NewReaderSize(conn, max+2) and read with ReadSlice:
bufio.ErrBufferFull means the line is too long — found after max bytes, not
after the whole line. Drop one CR before the LF, not every CR. At EOF,
return the last line first and io.EOF on the next call.
A bufio.Writer holds replies until Flush: flush before you wait for the next
line (and before Close), and one deadline per line covers both directions.`},
	{"phase1", "stream", `
Check every length the peer sends before you read or allocate what it
announces. Copy with io.CopyBuffer from an io.LimitReader into
io.MultiWriter(w, hash): one buffer, flat memory. io.CopyBuffer returns nil at
an early EOF, so compare the count with the size yourself. Hash the header
too, read the checksum with io.ReadFull, and compare it in constant time.`},
	{"phase1", "ctxcancel", `
A Read blocked on a socket cannot see a context; only a deadline (or Close)
reaches it. context.AfterFunc runs a function when ctx ends: let it move the
read deadline into the past. Then return ctx.Err(), not the i/o timeout you
caused, and leave the conn as you found it: call the stop function AfterFunc
returned, and clear the deadline.
Dial: give each attempt its own context.WithTimeout derived from the caller's
ctx, and stop as soon as the caller's ctx is done.`},
	{"phase1", "gracefultcp", `
Shutdown closes the listeners first — that is what stops accepting — then
waits in a select on ctx.Done() and a channel closed when the last Handler
returns. If ctx wins, do what Close does (close the conns, cancel the
handlers' ctx) and return ctx.Err() without waiting again.
Keep listeners and conns in sets under one mutex, and decide "closing" and
"track this conn" under the same lock, or a conn accepted at the wrong moment
escapes the shutdown.`},
	{"phase2", "hello", `
Headers first, then WriteHeader, then Write: a header set after the first
Write is never sent, and neither is a status. Set Content-Type yourself
rather than leaving it to sniffing, and use http.Error for errors.
Register routes with the method in the pattern — mux.HandleFunc("GET /hello",
Hello) — and ServeMux gives you HEAD, 405 and 404 for free.`},
	{"phase2", "restapi", `
Put the method in the pattern ("POST /todos", "GET /todos/{id}") and read the
id with r.PathValue: ServeMux then answers 405 with Allow by itself — a
catch-all "/" would take that away.
Before decoding: mime.ParseMediaType for the Content-Type, http.MaxBytesReader
for the size (errors.As a *http.MaxBytesError means 413). Decode with
DisallowUnknownFields, and make sure a second Decode hits io.EOF.
Set Location before WriteHeader(201). Lock the store in every method, and run
go test -race.`},
	{"phase2", "middleware", `
Chain(h, a, b) must run a, then b, then h: wrap h in the last middleware
first.
The status writer records the first final status (and 200 on a bare Write or
Flush), and reaches the writer below through http.NewResponseController and
an Unwrap method, never a type assertion.
Recover: a deferred recover(); log with debug.Stack(); answer 500 if nothing
was sent yet, else panic(http.ErrAbortHandler). A request ID from the client
is kept only if it passes the policy; the context key is an unexported type.`},
	{"phase2", "server", `
A zero http.Server has no limits at all: every zero field is a hole one slow
client can hold open. Set each limit New documents — ReadHeaderTimeout is the
slowloris defence.
Tell handlers about a shutdown without cancelling their requests: a channel
per server, put into the BaseContext as a value and closed (once) by a
RegisterOnShutdown hook. http.Server.Shutdown stops waiting at ctx's deadline
but does not stop the stragglers — Close does.`},
	{"phase2", "client", `
Wrap the whole Do in one context.WithTimeout, and cancel it when the caller
closes the body (a deferred cancel breaks the body before it is read).
Retry only what is safe to send twice — idempotent methods or an
Idempotency-Key, with a body you can replay — and only on connection errors
and 429/502/503/504. Before a retry, drain a bounded amount of the body and
close it, or the connection is not reused. Wait for Retry-After if given,
else a jittered Backoff, in a select with ctx.Done().`},
	{"phase2", "redirects", `
Stop the client from following by itself: a copy of it whose CheckRedirect
returns http.ErrUseLastResponse. Then loop: resolve Location against the URL
that sent it (req.URL.Parse), pick the next method (301/302/303 become GET
and lose the body; 307/308 keep both, through req.GetBody).
Compare every hop with the first request's origin and, once it leaves, drop
Authorization and Cookie for good. Key the loop check on method and URL, and
drain (a bounded amount) and close every body you do not return.`},
	{"phase2", "chunked", `
Read the size line with ReadSlice('\n') and insist on CRLF; trim trailing
blanks, cut at ';' (extensions), then parse 1-16 hex digits yourself and
compare with MaxChunkSize as unsigned. Return data from one chunk per Read,
and check the CRLF after a chunk on the next Read, not before returning it.
At size 0, read the trailer lines up to the empty line (textproto). To make
Go's server send chunks, Flush between writes; declare trailers in advance.`},
	{"phase2", "router", `
Do not write a matcher: http.ServeMux already does methods, path values,
404 vs 405 with Allow, HEAD, the trailing-slash redirect and {$}. Register
every route — groups' too — on one shared ServeMux.
A group's prefix goes between "METHOD " and the path, by plain string
concatenation (path.Join drops the trailing slash that makes a subtree).
Wrap middleware around each handler once, when it is registered, first Use
outermost; give each group its own copy of the slice. Mount: a subtree
pattern with no method, and http.StripPrefix.`},
}
