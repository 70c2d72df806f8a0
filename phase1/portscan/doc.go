// Package portscan is a koan about bounded concurrency: a TCP port scanner
// that probes many ports at once, but never too many, and never waits too
// long for any one of them.
//
// # The lesson
//
// A connect scan asks the operating system to open a TCP connection to each
// port, and reads the answer from how the handshake ends. A SYN-ACK means a
// program is listening: the port is open (the scanner closes the connection
// at once). An RST means nobody is: the port is closed, and the dial fails
// with an error wrapping [syscall.ECONNREFUSED] — within one round trip. No
// answer at all means a firewall dropped the SYN: the port is filtered, and
// the only way to find out is to give up after a timeout. (This is `nmap
// -sT`. Scan only hosts you own or may test.)
//
// So a scan is latency-bound: a filtered port costs a whole timeout, and a
// thousand of them one after another cost a thousand timeouts. The cure is to
// dial many ports at once — but not all of them. Every dial in flight holds a
// socket (a file descriptor, of which a process has a limited number: see
// `ulimit -n`), a local port, and a slot in every NAT and firewall table on
// the way, and a burst of thousands of SYNs looks like the flood it is. A goroutine per port with no limit
// (the classic first attempt, still all over tutorials) scans 65,535 ports
// with 65,535 sockets open at once. Bound it:
//
//   - a fixed pool of workers that take ports from a channel — goroutines
//     and dials both bounded, by construction;
//   - or a semaphore (a buffered channel of Concurrency slots) acquired
//     before each `go` — acquire it before starting the goroutine, not
//     inside it, or the goroutines are still unbounded;
//   - or golang.org/x/sync/errgroup with SetLimit, which does the latter.
//
// Each port gets its own deadline: [context.WithTimeout] from the scan's ctx
// for every dial, so a filtered port gives up after Timeout and cancelling
// the scan also ends every dial in flight. (A [net.Dialer] has a Timeout
// field too, but a ctx composes with cancellation and works with any dial
// function.) The dial function itself is injected: its signature is
// [net.Dialer.DialContext]'s, so a scan can go through a proxy or a tunnel —
// and a test can fake a network whose filtered ports never answer, and run it
// under [testing/synctest], where timeouts of hours cost nothing.
//
// Results come back from the workers in whatever order the ports answer.
// Either collect them and sort ([slices.SortFunc]), or sort the ports first
// and let each worker write the result of port i into slot i of a slice made
// up front — no lock, no sort, and no result lost. Wait for every worker
// ([sync.WaitGroup.Go], Go 1.25) before reading the results.
//
// When ctx is cancelled, stop handing out ports, let the dials in flight end
// (they watch ctx), wait for the workers, and return ctx.Err().
//
// # What to build
//
// Scanner.Scan: sort and deduplicate the ports, probe them with at most
// Concurrency dials in flight and Timeout per port, close what you open,
// classify each answer, return the results sorted by port, and stop promptly
// when ctx is done.
//
// # Traps the tests will catch
//
//   - unbounded concurrency: more dials in flight than Concurrency, or a
//     goroutine per port waiting for its turn;
//   - no per-port timeout (a filtered port stalls the scan), or one timeout
//     for the whole scan;
//   - results unsorted, duplicated or lost (returned before every worker
//     finished);
//   - a refused dial counted as filtered, or a connection left open;
//   - a scan that keeps dialling after ctx is cancelled, or returns while
//     its dials are still running;
//   - "host:port" built with fmt.Sprintf: an IPv6 host needs brackets
//     ([net.JoinHostPort]).
//
// On Windows a refusal is WSAECONNREFUSED (golang.org/x/sys/windows), not
// syscall.ECONNREFUSED; this course targets Linux and macOS.
//
// # Try it
//
// From a scratch main:
//
//	s := portscan.Scanner{Concurrency: 100, Timeout: 500 * time.Millisecond}
//	ports := make([]uint16, 1024)
//	for i := range ports { ports[i] = uint16(i + 1) }
//	res, err := s.Scan(context.Background(), "127.0.0.1", ports)
//
// and compare the open ports with `nmap -sT -p 1-1024 127.0.0.1` (or
// `ss -ltn`).
//
// Read: [net.Dialer.DialContext], [context.WithTimeout], [sync.WaitGroup],
// [net.JoinHostPort], [errors.Is], [testing/synctest].
package portscan
