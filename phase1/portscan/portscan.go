// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package portscan

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/netkoans/netkoans/internal/todo"
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
	return nil, todo.Err
}
