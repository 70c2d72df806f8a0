// Package redirects is the koan of following HTTP redirects by hand.
//
// # The lesson
//
// A 3xx response with a Location header says "the answer is over there". An
// [http.Client] follows it for you: up to 10 hops, then it gives up. That is
// right for most code, and it hides a handful of rules worth knowing —
// because sooner or later you need a policy of your own (log every hop, stop
// at another host, refuse a downgrade) and then you follow redirects by hand.
// The switch is [http.Client.CheckRedirect]: when it returns
// [http.ErrUseLastResponse], Do hands you the 3xx response itself, body
// unread, and the next move is yours.
//
// The method. 303 See Other means "GET the result over there": the POST that
// submitted a form is not repeated (Post/Redirect/Get). 301 and 302 were
// meant to keep the method, but browsers turned POST into GET from the first
// day, and RFC 9110 §15.4 now allows it; Go turns every method but GET and
// HEAD into GET after 301, 302 and 303, and drops the body along with the
// headers that describe it (Content-Type and its kin). 307 and 308 were added
// to say the opposite: same method, same body. A body is a stream that was
// read to its end on the first hop, so resending it needs a fresh copy —
// [http.Request.GetBody], which [http.NewRequest] sets for a
// [strings.Reader], [bytes.Reader] or [bytes.Buffer] body. Without GetBody
// the body cannot be resent, and Go returns the 307 to the caller; so does
// this koan.
//
// The target. Location may be relative — "/a", "b", "../c", "?page=2",
// "//host/d" — and is resolved against the URL of the request that got the
// redirect, exactly as a link in a page is: [url.URL.Parse] on that URL does
// it (RFC 3986 §5). Only http and https are worth following.
//
// The credentials. The first request may carry an Authorization header or
// cookies meant for one server. A redirect is that server telling the client
// to go elsewhere, and "elsewhere" may be anyone. Go's client copies
// Authorization, Cookie and their kin to the next hop only when its host
// name is the first request's host name or a subdomain of it — comparing
// names only, without the port or the scheme (see
// shouldCopyHeaderOnRedirect in net/http/client.go). This koan is stricter
// and uses the browser's unit of trust, the origin ([SameOrigin], RFC 6454):
// scheme, host and port. Two httptest servers on 127.0.0.1 differ only by
// port, and are two origins: anyone on the machine can listen on a port, and
// Go's client would hand them the token. A subdomain is another origin too. Once a hop has left the
// origin the credentials stay off, even if the chain comes back: the other
// origin chose the URL it sent you back to. (A cookie jar is another matter:
// [http.Client.Do] adds and stores the [http.Client.Jar]'s cookies on every
// request it sends, hop by hop, by each cookie's own domain rules. The rule
// here is for a Cookie header the caller set by hand.)
//
// The end. A server can redirect forever, by mistake or on purpose. A hop
// limit bounds the chain ([DefaultMaxRedirects], like Go's 10); loop
// detection ends it sooner: a redirect to a method and URL already requested
// in this chain will go round again, so there is no point waiting for the
// limit. The method matters: POST /form → 303 → GET /form is not a loop.
// (Browsers rely on the limit alone, because a cookie set on the way can make
// the second visit different; a client that sets no cookies gains nothing by
// waiting.)
//
// Two costs remain. Every hop is a full round trip, so a chain of five costs
// five; read each redirect's small body to EOF before closing it, and the
// next hop reuses the connection. And [http.Client.Timeout] now bounds each
// hop, not the chain: bound the whole chain with the request's context.
//
// # What to build
//
//   - NextMethod: the method (and whether the body survives) after a status.
//   - SameOrigin: scheme, host (any case) and port (default ports filled in).
//   - Follower.Do: the loop — send with a copy of the client that returns
//     http.ErrUseLastResponse, resolve Location, apply NextMethod, resend the
//     body through GetBody, strip credentials on leaving the origin, stop at
//     loops and at the hop limit, drain and close every body you do not
//     return.
//
// # Traps the tests will catch
//
//   - a POST that stays a POST after 303 (or becomes a GET after 307/308),
//     or a 307 that resends the spent req.Body instead of GetBody's copy;
//   - a relative Location used as it is, or resolved against the first URL
//     instead of the last;
//   - a chain that runs past MaxRedirects (or stops one short), and a loop
//     left to the hop limit, or one seen in Post/Redirect/Get;
//   - Authorization or cookies sent to another port or a subdomain, or put
//     back when the chain returns to the origin;
//   - letting the Client follow redirects itself, or changing the caller's
//     Client to stop it;
//   - redirect bodies closed unread, which costs a connection per hop.
//
// # Try it
//
// curl follows by hand too, and prints each hop:
//
//	curl -sv -L --max-redirs 3 -d x=1 http://127.0.0.1:8080/form
//
// -d makes a POST; -L turns it into a GET after 301, 302 and 303 (see
// --post301), and sends credentials only to the first host unless told
// --location-trusted.
//
// Read: [http.Client.CheckRedirect], [http.ErrUseLastResponse],
// [http.Request.GetBody], [url.URL.Parse], [url.URL.Hostname],
// [url.URL.Port], [http.NewRequestWithContext].
package redirects
