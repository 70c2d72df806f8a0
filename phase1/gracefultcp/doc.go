// Package gracefultcp is the last koan of phase 1: a TCP server that shuts
// down gracefully.
//
// # The lesson
//
// Servers are stopped all the time: a deploy, a scale-down, a SIGTERM from
// the orchestrator. Stopping by killing the process — or by closing the
// listener and every connection at once — drops the work in flight: a
// client that sent a request gets a reset instead of its answer, and may
// never know whether the work was done. A graceful shutdown has three
// steps:
//
//  1. Stop accepting, at once: close the listeners. Accept fails, the accept
//     loop returns, and new clients are refused (a load balancer sends them
//     to another instance).
//  2. Drain: wait for the connections in flight to finish on their own.
//  3. Give up when the deadline passes: the caller's context says how long
//     the drain may take. When it is done, close the remaining connections
//     by force and return ctx.Err() — at once, even if a handler is stuck
//     and never returns. An orchestrator will kill a process that does not
//     exit in its grace period (Kubernetes gives 30 s by default); a
//     shutdown that outlives its deadline has failed either way.
//
// [net/http.Server.Shutdown] takes the first two steps; for the third it
// returns ctx.Err() and leaves the forced close to the caller, who calls
// Close. The Shutdown you build here takes all three.
//
// To drain, the server must know what is in flight. Keep the set of open
// connections under a mutex — Close needs it to close them — and a way to
// wait for their handlers: a [sync.WaitGroup], or a count and a channel
// closed when it reaches zero. Wait in a select with ctx.Done(), so the
// deadline can interrupt the wait: WaitGroup.Wait alone cannot be
// abandoned, so run it on a goroutine that closes a channel, or use the
// channel directly. Never poll a counter in a busy loop: it burns a CPU for
// the whole drain (net/http polls, but sleeps between polls).
//
// Mind one race: a connection accepted just as Shutdown begins. If Serve
// adds it to the set after Shutdown has found the set empty, it is served
// after Shutdown reported "done". Decide under one lock: Shutdown marks the
// server closing; Serve adds a connection only if it is not, and otherwise
// closes it and returns.
//
// The handler needs one more signal. Closing its conn unblocks a handler
// that is reading or writing; a handler that is busy elsewhere — a database
// query, a computation — will not notice. So each handler gets a context,
// cancelled at the forced close. It is not cancelled when Shutdown begins:
// that would abandon exactly the work a graceful shutdown exists to finish.
//
// The shape — Serve, Shutdown(ctx), Close, and ErrServerClosed returned by
// Serve once the server is stopped — is net/http's, so that in phase 2 the
// HTTP server will feel familiar. Like it, a stopped Server stays stopped.
//
// # What to build
//
//   - Server.Serve: the accept loop. A goroutine per connection runs
//     Handler, then closes the conn. Return ErrServerClosed when Accept
//     fails because the server is closing; any other Accept error as it is.
//     Serve may run on several listeners at once, and always closes its own.
//   - Server.Shutdown: close the listeners, wait for the Handlers to
//     return; when ctx is done first, close everything and return
//     ctx.Err().
//   - Server.Close: close listeners and conns, cancel the Handlers'
//     context, and return without waiting.
//
// # Traps the tests will catch
//
//   - new connections accepted after Shutdown has begun (the listener left
//     open until the drain ends);
//   - in-flight work dropped: Shutdown that closes busy connections,
//     cancels the Handlers' context, or returns before they have finished;
//   - a Shutdown that never returns after its ctx expires — because it
//     ignores ctx, or because, after the forced close, it waits again for a
//     Handler that never returns;
//   - a Close that waits, or leaves connections open;
//   - an accept loop that keeps calling Accept on a closed listener.
//
// The tests run the shutdown scenarios inside [testing/synctest] bubbles
// over an in-memory listener, so a 10-second job and a 5-second deadline
// take no real time. A busy loop would freeze a bubble's clock, so the
// tests first check on real loopback that Serve returns and that Shutdown
// waits without spinning.
//
// # Try it
//
// Serve an echo handler from a scratch main, and shut down on Ctrl-C:
//
//	srv := &gracefultcp.Server{Handler: func(ctx context.Context, c net.Conn) { io.Copy(c, c) }}
//	l, err := net.Listen("tcp", "127.0.0.1:7007")
//	if err != nil { log.Fatal(err) }
//	go srv.Serve(l)
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	<-ctx.Done(); stop()
//	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//	defer cancel()
//	log.Println(srv.Shutdown(ctx))
//
// Connect with `ncat 127.0.0.1 7007`, press Ctrl-C in the server: a second
// ncat is refused at once, the first keeps echoing for 10 s, then is cut.
//
// Read: [net/http.Server.Shutdown], [net/http.Server.Close],
// [net/http.ErrServerClosed], [context.WithCancel], [sync.WaitGroup],
// [os/signal.NotifyContext].
package gracefultcp
