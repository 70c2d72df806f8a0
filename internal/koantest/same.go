package koantest

import "testing"

// Same fails the test now if got differs from want. Unlike require.Equal it
// stays readable for megabytes: it reports both lengths and the first
// differing byte with a little context either side. msg explains what was
// compared and may carry a hint.
func Same[T ~string | ~[]byte](t testing.TB, want, got T, msg string) {
	t.Helper()
	w, g := string(want), string(got)
	if w == g {
		return
	}
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	t.Fatalf("%s\n  want %d bytes, got %d; first difference at byte %d:\n  want …%q…\n  got  …%q…",
		msg, len(w), len(g), i, window(w, i), window(g, i))
}

// window returns up to 24 bytes of s either side of offset i.
func window(s string, i int) string {
	const n = 24
	return s[max(0, i-n):min(len(s), i+n)]
}
