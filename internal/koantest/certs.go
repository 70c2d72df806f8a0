package koantest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Validity windows are fixed dates rather than offsets from time.Now, so the
// same certificate verifies both outside a synctest bubble (real clock, today)
// and inside one (fake clock, starting at 2000-01-01 UTC).
var (
	validFrom    = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	validUntil   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	expiredFrom  = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	expiredUntil = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
)

var caCount atomic.Int64 // gives each CA in a test binary its own name

// CA is an in-memory certificate authority for tests. Each NewCA is a
// separate trust root: a certificate from one CA does not verify against
// another's Pool, which is how tests build the "foreign CA" case.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA returns a new CA with a fresh P-256 key.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          newSerial(t),
		Subject:               pkix.Name{Organization: []string{"netkoans"}, CommonName: "netkoans test CA " + strconv.FormatInt(caCount.Add(1), 10)},
		NotBefore:             validFrom,
		NotAfter:              validUntil,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("koantest: creating CA certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("koantest: parsing CA certificate: %v", err)
	}
	return &CA{cert: cert, key: key}
}

// Certificate returns the CA's own certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// Pool returns a pool that trusts this CA and nothing else: use it as
// tls.Config.RootCAs (clients) or ClientCAs (servers doing mutual TLS).
func (ca *CA) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// PEM returns the CA certificate PEM-encoded.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

// WritePEM writes the CA certificate into t.TempDir and returns its path.
func (ca *CA) WritePEM(t testing.TB) string {
	t.Helper()
	return writeFileIn(t, t.TempDir(), "ca.pem", ca.PEM())
}

// Leaf describes a certificate for Issue to sign.
type Leaf struct {
	// CommonName is the subject's CN. For client certificates it is the
	// identity a server reads from r.TLS.PeerCertificates[0].Subject.
	CommonName string
	// Hosts become subject alternative names: entries that parse as IP
	// addresses are IP SANs, the rest DNS SANs (wildcards allowed).
	Hosts []string
	// Client makes a client-authentication certificate instead of a
	// server-authentication one.
	Client bool
	// Expired makes a certificate whose validity ended in 1999, so it is
	// expired on both the real clock and a synctest bubble's.
	Expired bool
}

// Issue signs a certificate for leaf with a fresh P-256 key and returns it
// with its key, ready for tls.Config.Certificates. Leaf is set.
func (ca *CA) Issue(t testing.TB, leaf Leaf) tls.Certificate {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: newSerial(t),
		Subject:      pkix.Name{Organization: []string{"netkoans"}, CommonName: leaf.CommonName},
		NotBefore:    validFrom,
		NotAfter:     validUntil,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if leaf.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if leaf.Expired {
		tmpl.NotBefore, tmpl.NotAfter = expiredFrom, expiredUntil
	}
	for _, h := range leaf.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatalf("koantest: issuing certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("koantest: parsing issued certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}
}

// ServerCert issues a server certificate valid for hosts (DNS names or IP
// addresses), e.g. ca.ServerCert(t, "localhost", "127.0.0.1").
func (ca *CA) ServerCert(t testing.TB, hosts ...string) tls.Certificate {
	t.Helper()
	cn := ""
	if len(hosts) > 0 {
		cn = hosts[0]
	}
	return ca.Issue(t, Leaf{CommonName: cn, Hosts: hosts})
}

// ClientCert issues a client certificate whose subject CN is commonName.
func (ca *CA) ClientCert(t testing.TB, commonName string) tls.Certificate {
	t.Helper()
	return ca.Issue(t, Leaf{CommonName: commonName, Client: true})
}

// WritePEM writes cert's chain and private key as PEM files into t.TempDir,
// for koans that teach tls.LoadX509KeyPair, and returns their paths.
func WritePEM(t testing.TB, cert tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	var chain []byte
	for _, der := range cert.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatalf("koantest: encoding private key: %v", err)
	}
	dir := t.TempDir()
	certFile = writeFileIn(t, dir, "cert.pem", chain)
	keyFile = writeFileIn(t, dir, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("koantest: generating key: %v", err)
	}
	return key
}

func newSerial(t testing.TB) *big.Int {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatalf("koantest: generating serial number: %v", err)
	}
	return serial
}

func writeFileIn(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	// 0600: the key file is a secret even in a test.
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("koantest: %v", err)
	}
	return path
}
