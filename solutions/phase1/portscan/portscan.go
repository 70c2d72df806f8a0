//go:build solutions

// Package portscan is the reference answer to the phase1/portscan koan.
package portscan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// State is what a scan learned about one port.
type State uint8

const (
	// Open: the connection was established.
	Open State = iota + 1
	// Closed: the host refused the connection (the dial's error wraps
	// syscall.ECONNREFUSED).
	Closed
	// Filtered: no answer within the Scanner's Timeout, or any other dial
	// error.
	Filtered
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Closed:
		return "closed"
	case Filtered:
		return "filtered"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Result is the state of one port.
type Result struct {
	Port  uint16
	State State
}

// DefaultTimeout is the per-port timeout of a Scanner whose Timeout is not
// set.
const DefaultTimeout = time.Second

// Scanner probes TCP ports. Its zero value dials over the real network, one
// port at a time, with DefaultTimeout per port.
type Scanner struct {
	// Concurrency is how many dials Scan keeps in flight: up to this many
	// at once, never more. Below 1 means 1.
	Concurrency int

	// Timeout is how long Scan waits for each port to answer before it
	// calls the port Filtered. Zero or negative means DefaultTimeout.
	Timeout time.Duration

	// Dial connects to address ("host:port") over network ("tcp"), giving
	// up when ctx is done. nil means the DialContext method of a zero
	// net.Dialer.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Scan probes each distinct port of host over TCP and returns one Result per
// port, sorted by port. A port whose dial succeeds is Open (Scan closes the
// connection at once), one refused is Closed, any other is Filtered. host
// is passed to Dial as it is: give an IP address, or the name is resolved
// on every dial.
//
// If ctx is done before the scan ends, Scan dials no more ports, waits for
// the dials in flight to give up, and returns ctx.Err().
func (s *Scanner) Scan(ctx context.Context, host string, ports []uint16) ([]Result, error) {
	// Sort and deduplicate a copy (the caller's slice is not ours to
	// reorder). With the ports in order, the worker that probes ports[i]
	// writes results[i]: the results come out sorted and complete, with no
	// lock and no sort at the end.
	ports = slices.Clone(ports)
	slices.Sort(ports)
	ports = slices.Compact(ports)

	dial := s.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// A fixed pool of workers bounds both the dials in flight and the
	// goroutines: a goroutine per port, even one waiting on a semaphore,
	// would be 65,535 goroutines for a full scan.
	workers := min(max(s.Concurrency, 1), len(ports))

	results := make([]Result, len(ports))
	next := make(chan int) // unbuffered: a port is handed out only to a free worker
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i] = Result{Port: ports[i], State: probe(ctx, dial, host, ports[i], timeout)}
			}
		})
	}
feed:
	for i := range ports {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	// The dials in flight watch ctx, so after a cancel this wait is short;
	// returning before it would leave workers writing into results.
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// probe dials one port and classifies the outcome.
func probe(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), host string, port uint16, timeout time.Duration) State {
	if ctx.Err() != nil {
		// The scan is over (a worker may have been handed a port just as
		// ctx was cancelled): dial nothing more. Scan discards the result.
		return 0
	}
	// Each port gets its own deadline, derived from the scan's ctx: a
	// filtered port gives up after timeout, and cancelling the scan ends
	// this dial too.
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// JoinHostPort brackets an IPv6 host: [::1]:22, not ::1:22.
	conn, err := dial(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(int(port))))
	switch {
	case err == nil:
		// The handshake was the answer. Close at once: an open conn per
		// open port would leak a file descriptor each.
		conn.Close()
		return Open
	case errors.Is(err, syscall.ECONNREFUSED):
		// An RST: the host is there and nothing listens on the port.
		return Closed
	default:
		// Timed out (the SYN was dropped), or an ICMP "unreachable" came
		// back: either way something between us filters the port.
		return Filtered
	}
}
