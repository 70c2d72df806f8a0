// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package tcpecho

import (
	"context"
	"net"

	"github.com/netkoans/netkoans/internal/todo"
)

// Serve accepts connections on l and echoes each one on its own goroutine,
// until Accept fails. It returns the error that stopped it: one wrapping
// net.ErrClosed after l.Close.
func Serve(l net.Listener) error {
	return todo.Err
}

// Handle echoes every byte it reads from conn back to conn until the client
// has finished sending (Read returns io.EOF), then closes conn. It returns
// nil after a clean EOF, otherwise the first read or write error. It always
// closes conn.
func Handle(conn net.Conn) error {
	conn.Close() // for now, it just hangs up
	return todo.Err
}

// Client is a line-oriented client of an echo server. It is not safe for
// concurrent use: each Echo is one request and its reply.
type Client struct {
	conn net.Conn
	// Add what else you need.
}

// NewClient returns a Client that talks over conn and owns it.
func NewClient(conn net.Conn) *Client {
	return &Client{conn: conn}
}

// Dial connects over TCP to the echo server at addr ("host:port"), giving up
// when ctx is done.
func Dial(ctx context.Context, addr string) (*Client, error) {
	return nil, todo.Err
}

// Echo sends msg followed by '\n' and returns the server's echo of that line
// without the '\n'. msg must not contain '\n': Echo returns an error instead.
func (c *Client) Echo(msg string) (string, error) {
	return "", todo.Err
}

// Close closes the connection.
func (c *Client) Close() error {
	return c.conn.Close()
}
