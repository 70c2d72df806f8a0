// Package hello is the first koan of phase 2: HTTP handlers, their status
// codes and headers, and how to test them.
//
// # The lesson
//
// In net/http a server is a loop around Accept, much like the ones of
// phase 1, that parses requests and hands each to an [net/http.Handler]:
// anything with a ServeHTTP(w, r) method. Most handlers are plain
// functions of that shape, and [net/http.HandlerFunc] is the adapter: a
// named func type whose ServeHTTP method calls the function itself, so
// http.HandlerFunc(f) — or a func literal returned as one — is a Handler.
//
// A response has three parts, and the wire sends them in order: the status
// line, the headers, the body. [net/http.ResponseWriter] follows that
// order:
//
//   - w.Header() is the map of headers to send: set them first.
//   - w.WriteHeader(code) sends the status line and those headers.
//   - w.Write(b) sends body bytes; if WriteHeader has not been called, the
//     first Write calls WriteHeader(http.StatusOK) for you.
//
// Once the headers are sent they cannot be taken back: a header set after
// the first Write is silently dropped, and a WriteHeader after it is
// ignored, with a "superfluous response.WriteHeader call" in the server's
// log. The classic bug is a handler that writes its body and then sets the
// status — the client gets 200 OK for an error.
//
// If no Content-Type is set before the first Write, net/http guesses one
// from the first 512 bytes of the body ([net/http.DetectContentType]):
// JSON comes out as "text/plain; charset=utf-8", and a body that starts
// with client input can come out as "text/html" — a reflected XSS. So set
// Content-Type yourself, and where the body echoes input add
// "X-Content-Type-Options: nosniff" so that browsers do not guess either.
// [net/http.Error] does all of this for error responses: status, a
// text/plain Content-Type, nosniff, and the message with a newline.
//
// Routing is [net/http.ServeMux]. Since Go 1.22 its patterns carry a method
// and match paths exactly: "GET /hello" serves GET and HEAD on /hello only,
// and the mux itself answers other methods with 405 Method Not Allowed and
// an Allow header, and unknown paths with 404. Older code — still common —
// registers "/hello" and checks r.Method by hand, often on the global
// http.DefaultServeMux; prefer a mux of your own, which no imported package
// can add routes to.
//
// # Testing handlers: httptest, not ListenAndServe
//
// http.ListenAndServe(":8080", h) is how a program serves, not how a test
// should: it needs a fixed port (taken by another test or program, and
// tests of different packages run in parallel), it blocks until it fails,
// so there is no clean way to stop it, and the test has to poll until it is
// listening. [net/http/httptest] gives two better tools:
//
//   - [net/http/httptest.NewRecorder] is a ResponseWriter that records.
//     Call the handler directly — h(rec, httptest.NewRequest("GET",
//     "/hello?name=Ada", nil)) — and read rec.Result(): no socket, no
//     goroutine, microseconds. Read rec.Result(), not rec.Header():
//     Result() shows the headers as they were sent, while Header() is the
//     handler's live map and still shows headers set too late.
//   - [net/http/httptest.NewServer] runs a real server on 127.0.0.1 with a
//     port the kernel picks; srv.URL is its address, srv.Client() a client
//     for it, srv.Close() stops it. It tests what the recorder cannot: the
//     routing, HEAD, and what really goes over the wire.
//
// Where time matters — timeouts, retries, slow clients — later koans run
// servers inside [testing/synctest] bubbles over an in-memory listener, so
// that a 30-second timeout takes no real time.
//
// # What to build
//
//   - Hello: a greeting in text/plain, with its input checked.
//   - Health: a constructor that returns an http.HandlerFunc, reporting
//     200 or 503 in JSON.
//   - NewHandler: a ServeMux with the two routes.
//
// # Traps the tests will catch
//
//   - a header set after the body (the recorder's Result shows it missing);
//   - a wrong status: WriteHeader after Write, or a hand-made 400 without
//     http.Error;
//   - a missing Content-Type (JSON sniffed as text/plain);
//   - routes that accept any method, or that match /hello/ too;
//   - a health check that asks ready() once, when it is built.
//
// BenchmarkHello shows what each kind of test costs: the recorder, a round
// trip to httptest.NewServer over a kept-alive connection, and one with a
// new connection per request.
//
// # Try it
//
// Serve it from a scratch main — with a header timeout, which
// http.ListenAndServe does not set (phase2/server explains why it matters):
//
//	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: hello.NewHandler(func() bool { return true }),
//		ReadHeaderTimeout: 5 * time.Second}
//	log.Fatal(srv.ListenAndServe())
//
// then `curl -i 'http://127.0.0.1:8080/hello?name=Ada'`, `curl -I
// http://127.0.0.1:8080/healthz` (HEAD) and `curl -i -X POST
// http://127.0.0.1:8080/hello` (405, and its Allow header).
//
// Read: [net/http.Handler], [net/http.HandlerFunc],
// [net/http.ResponseWriter], [net/http.ServeMux], [net/http.Error],
// [net/http/httptest.ResponseRecorder.Result],
// [net/http/httptest.Server].
package hello
