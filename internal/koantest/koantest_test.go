package koantest_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/nettest"

	"github.com/netkoans/netkoans/internal/koantest"
)

func TestCertificatesVerify(t *testing.T) {
	ca := koantest.NewCA(t)
	foreign := koantest.NewCA(t)
	server := ca.ServerCert(t, "localhost", "127.0.0.1", "::1")
	client := ca.ClientCert(t, "alice")
	expired := ca.Issue(t, koantest.Leaf{Hosts: []string{"localhost"}, Expired: true})
	stranger := foreign.ServerCert(t, "localhost")

	verify := func(cert tls.Certificate, host string, usage x509.ExtKeyUsage) error {
		_, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{usage}})
		return err
	}
	for _, tc := range []struct {
		name    string
		cert    tls.Certificate
		host    string
		usage   x509.ExtKeyUsage
		wantErr any // nil, or a pointer to the x509 error type expected
	}{
		{"server DNS SAN", server, "localhost", x509.ExtKeyUsageServerAuth, nil},
		{"server IPv4 SAN", server, "127.0.0.1", x509.ExtKeyUsageServerAuth, nil},
		{"server IPv6 SAN", server, "::1", x509.ExtKeyUsageServerAuth, nil},
		{"server wrong name", server, "example.com", x509.ExtKeyUsageServerAuth, new(x509.HostnameError)},
		{"client cert for clients", client, "", x509.ExtKeyUsageClientAuth, nil},
		{"client cert is not a server cert", client, "", x509.ExtKeyUsageServerAuth, new(x509.CertificateInvalidError)},
		{"expired", expired, "localhost", x509.ExtKeyUsageServerAuth, new(x509.CertificateInvalidError)},
		{"foreign CA", stranger, "localhost", x509.ExtKeyUsageServerAuth, new(x509.UnknownAuthorityError)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verify(tc.cert, tc.host, tc.usage)
			if tc.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorAs(t, err, tc.wantErr)
			}
		})
	}
	require.Equal(t, "alice", client.Leaf.Subject.CommonName)
}

func TestWritePEMLoads(t *testing.T) {
	ca := koantest.NewCA(t)
	want := ca.ServerCert(t, "localhost")
	certFile, keyFile := koantest.WritePEM(t, want)
	got, err := tls.LoadX509KeyPair(certFile, keyFile)
	require.NoError(t, err)
	require.Equal(t, want.Certificate, got.Certificate)

	caPEM, err := os.ReadFile(ca.WritePEM(t))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	_, err = got.Leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: pool})
	require.NoError(t, err)
}

// The fixed validity window makes one certificate work on both clocks.
func TestTLSInsideBubble(t *testing.T) {
	ca := koantest.NewCA(t) // made outside, used inside
	synctest.Test(t, func(t *testing.T) {
		l := koantest.ListenPipe(t)
		srv := tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{ca.ServerCert(t, "localhost")}})
		go func() {
			c, err := srv.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			io.Copy(c, c)
		}()
		raw, err := l.Dial()
		require.NoError(t, err)
		c := tls.Client(raw, &tls.Config{ServerName: "localhost", RootCAs: ca.Pool()})
		defer c.Close()
		_, err = c.Write([]byte("ping\n"))
		require.NoError(t, err)
		line, err := bufio.NewReader(c).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "ping\n", line)
	})
}

func TestPipeListenerAddresses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := koantest.ListenPipe(t)
		client, err := koantest.DialPipe(t.Context(), "tcp", l.Addr().String())
		require.NoError(t, err)
		defer client.Close()
		server, err := l.Accept()
		require.NoError(t, err)
		defer server.Close()

		require.Equal(t, l.Addr(), server.LocalAddr())
		require.Equal(t, l.Addr(), client.RemoteAddr())
		require.Equal(t, client.LocalAddr(), server.RemoteAddr())
		require.NotEqual(t, l.Addr(), client.LocalAddr())
		host, _, err := net.SplitHostPort(server.RemoteAddr().String())
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1", host)
	})
}

// x/net's conformance suite for net.Conn: deadlines, concurrent use, Close
// unblocking Read and Write. The kit's conns must behave like real ones.
func TestPipeConnConformance(t *testing.T) {
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		l := koantest.ListenPipe(t)
		c1, err = l.Dial()
		if err != nil {
			return nil, nil, nil, err
		}
		c2, err = l.Accept()
		if err != nil {
			return nil, nil, nil, err
		}
		return c1, c2, func() { c1.Close(); c2.Close(); l.Close() }, nil
	})
}

func TestPipeListenerClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := koantest.ListenPipe(t)
		accepted := make(chan error)
		go func() {
			_, err := l.Accept()
			accepted <- err
		}()
		synctest.Wait()
		require.NoError(t, l.Close())
		require.ErrorIs(t, <-accepted, net.ErrClosed, "Close must wake a blocked Accept")

		_, err := l.Dial()
		require.ErrorIs(t, err, syscall.ECONNREFUSED)
		_, err = koantest.DialPipe(t.Context(), "tcp", l.Addr().String())
		require.ErrorIs(t, err, syscall.ECONNREFUSED, "a closed listener is no longer reachable by address")
		require.ErrorIs(t, l.Close(), net.ErrClosed)
	})
}

func TestPipeListenerCloseDropsBacklog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := koantest.ListenPipe(t)
		c, err := l.Dial()
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, l.Close())
		_, err = c.Read(make([]byte, 1))
		require.ErrorIs(t, err, io.EOF, "a conn never accepted reads EOF once the listener closes")
	})
}

func TestDialPipeUnknownAddress(t *testing.T) {
	_, err := koantest.DialPipe(context.Background(), "tcp", "127.0.0.1:1")
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = koantest.DialPipe(ctx, "tcp", "127.0.0.1:1")
	require.ErrorIs(t, err, context.Canceled)
}

// An HTTP exchange whose timeouts are an hour long finishes instantly: the
// reason the kit exists.
func TestHTTPOverPipesInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		srv := &http.Server{
			ReadHeaderTimeout: time.Minute,
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					select {
					case <-time.After(2 * time.Hour):
					case <-r.Context().Done(): // the client gave up
					}
				}
				fmt.Fprintf(w, "hello %s", r.RemoteAddr)
			}),
		}
		l := koantest.ServePipe(t, srv)
		client := koantest.PipeClient(t)

		resp, err := client.Get(l.URL() + "/")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(body), "hello 127.0.0.1:"), "RemoteAddr looks like TCP: %q", body)

		client.Timeout = time.Hour
		_, err = client.Get(l.URL() + "/slow")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Equal(t, time.Hour, time.Since(start))
	})
}

func TestDoPassesAndFails(t *testing.T) {
	koantest.Do(t, "doing nothing", func() {})

	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTB{TB: t}
		block := make(chan struct{})
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			koantest.Do(ft, "reading the reply", func() { <-block })
		}()
		<-finished
		close(block)
		require.Equal(t, []string{"your code blocked for 5s while reading the reply"}, ft.failures)
	})
}

func TestNoLeaksReportsLeak(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTB{TB: t}
		koantest.NoLeaks(ft)
		block := make(chan struct{})
		go parkedForever(block)
		ft.cleanup()
		close(block)
		require.Len(t, ft.failures, 1)
		require.Contains(t, ft.failures[0], "1 goroutine(s) started by this test were still running")
		require.Contains(t, ft.failures[0], "parkedForever", "the report shows where the goroutine is stuck")

		ft = &fakeTB{TB: t}
		koantest.NoLeaks(ft)
		done := make(chan struct{})
		go func() { <-done }()
		close(done)
		ft.cleanup()
		require.Empty(t, ft.failures, "a goroutine that ends soon after the test is not a leak")
	})
}

func parkedForever(c chan struct{}) { <-c }

// fakeTB records failures instead of failing the real test, and stops the
// calling goroutine on Fatal as testing does.
type fakeTB struct {
	testing.TB
	failures []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...); runtime.Goexit() }
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestSameKeepsLongMismatchesShort(t *testing.T) {
	ft := &fakeTB{TB: t}
	want := strings.Repeat("x", 1<<20)
	koantest.Same(ft, want, want, "identical")
	require.Empty(t, ft.failures)

	done := make(chan struct{})
	go func() {
		defer close(done)
		koantest.Same(ft, want, want[:1000]+"y", "the echo")
	}()
	<-done
	require.Len(t, ft.failures, 1)
	require.Less(t, len(ft.failures[0]), 300, "a 1 MiB mismatch is described in a few lines")
	require.Contains(t, ft.failures[0], "the echo\n  want 1048576 bytes, got 1001; first difference at byte 1000")
	require.Contains(t, ft.failures[0], `got  …"xxxxxxxxxxxxxxxxxxxxxxxxy"…`)
}
