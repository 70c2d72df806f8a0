//go:build solutions

// Package tcpecho is the reference answer to the phase1/tcpecho koan.
package tcpecho

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
)

// Serve accepts connections on l and echoes each one on its own goroutine,
// until Accept fails. It returns the error that stopped it: one wrapping
// net.ErrClosed after l.Close.
func Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			// A closed listener is the normal way out. Anything else is
			// returned too: retrying a persistent error in a tight loop
			// would only burn a CPU (net/http backs off on temporary
			// errors such as EMFILE; an echo server need not).
			return err
		}
		// One goroutine per connection: a slow or idle client must never
		// stall the others. Handle closes conn, so nothing leaks.
		go Handle(conn)
	}
}

// Handle echoes every byte it reads from conn back to conn until the client
// has finished sending (Read returns io.EOF), then closes conn. It returns
// nil after a clean EOF, otherwise the first read or write error. It always
// closes conn.
func Handle(conn net.Conn) error {
	defer conn.Close()
	// io.Copy loops Read→Write until Read returns io.EOF (which it reports
	// as success) or either side fails. On a *net.TCPConn it may splice
	// in the kernel. It echoes bytes as they arrive, not line by line, so
	// a last line without '\n' is echoed too.
	_, err := io.Copy(conn, conn)
	// Returning closes conn: after a half-close (the client's CloseWrite),
	// that is what tells the client the echo is complete.
	return err
}

// Client is a line-oriented client of an echo server. It is not safe for
// concurrent use: each Echo is one request and its reply.
type Client struct {
	conn net.Conn
	r    *bufio.Reader
}

// NewClient returns a Client that talks over conn and owns it.
func NewClient(conn net.Conn) *Client {
	// TCP is a byte stream, not a message stream: one Read may return part
	// of a line, or two lines. bufio.Reader collects bytes until the '\n'.
	return &Client{conn: conn, r: bufio.NewReader(conn)}
}

// Dial connects over TCP to the echo server at addr ("host:port"), giving up
// when ctx is done.
func Dial(ctx context.Context, addr string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return NewClient(conn), nil
}

// Echo sends msg followed by '\n' and returns the server's echo of that line
// without the '\n'. msg must not contain '\n': Echo returns an error instead.
func (c *Client) Echo(msg string) (string, error) {
	if strings.Contains(msg, "\n") {
		// It would end the line early and desynchronise every reply after it.
		return "", errors.New("tcpecho: message contains a newline")
	}
	// One Write for the whole line: two (msg, then "\n") would cost two
	// syscalls and possibly two packets.
	if _, err := io.WriteString(c.conn, msg+"\n"); err != nil {
		return "", err
	}
	line, err := c.r.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			// The server hung up mid-reply.
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }
