package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// style paints text for a terminal, or not at all: NO_COLOR (no-color.org)
// or output that is not a terminal gets plain text.
type style struct {
	on  bool // colours
	tty bool // a terminal: the screen may be cleared
}

func newStyle(w *os.File) style {
	info, err := w.Stat()
	tty := err == nil && info.Mode()&os.ModeCharDevice != 0
	color := tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return style{on: color, tty: tty}
}

func (s style) paint(code, text string) string {
	if !s.on {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) bold(t string) string   { return s.paint("1", t) }
func (s style) dim(t string) string    { return s.paint("2", t) }
func (s style) red(t string) string    { return s.paint("31", t) }
func (s style) green(t string) string  { return s.paint("32", t) }
func (s style) yellow(t string) string { return s.paint("33", t) }
func (s style) cyan(t string) string   { return s.paint("36", t) }

// mark is a koan's status as one symbol and a word.
func (s style) mark(r *result) (symbol, word string) {
	switch r.Outcome {
	case passed:
		return s.green("✓"), "done"
	case buildFailed:
		return s.red("✗"), "does not compile"
	case notStarted:
		return s.dim("·"), "not started"
	}
	switch {
	case r.Panic:
		return s.red("✗"), "crashed or hung"
	case r.TODO:
		return s.yellow("✗"), "to do: its stub still returns todo.Err"
	}
	return s.red("✗"), "failing"
}

// printProgress writes a bar per phase and the overall count.
func printProgress(w io.Writer, s style, results map[string]*result) {
	done, total := 0, 0
	for _, p := range phases {
		n, d := 0, 0
		for _, k := range curriculum {
			if k.Phase == p.Dir {
				n++
				if results[k.Path()].Outcome == passed {
					d++
				}
			}
		}
		if n == 0 {
			continue
		}
		done, total = done+d, total+n
		fmt.Fprintf(w, "  %-9s %-38s %s %d/%d\n", p.Dir, p.Title, bar(s, d, n), d, n)
	}
	fmt.Fprintf(w, "  %-48s %s %d/%d koans\n\n", "", bar(s, done, total), done, total)
}

func bar(s style, done, total int) string {
	const width = 16
	filled := done * width / max(total, 1)
	return "[" + s.green(strings.Repeat("#", filled)) + s.dim(strings.Repeat("-", width-filled)) + "]"
}

// maxFailureLines keeps the failure on one screen; the rest is a go test away.
const maxFailureLines = 40

// printFailure shows what to do about koan k.
func printFailure(w io.Writer, s style, root, module string, k koan, kf koanFiles, r *result) {
	symbol, word := s.mark(r)
	fmt.Fprintf(w, "%s %s — %s\n\n", symbol, s.bold(k.Path()), word)
	fmt.Fprintf(w, "  Lesson: go doc ./%s   (or read %s/doc.go)\n", k.Path(), k.Path())
	fmt.Fprintf(w, "  Edit:   %s\n", strings.Join(kf.Stubs, ", "))
	fmt.Fprintf(w, "  Test:   go test ./%s\n\n", k.Path())
	if r.Outcome != notStarted {
		printLines(w, s, trimFailure(r.Output, root, module+"/"+k.Path(), maxFailureLines))
		if len(r.Failures) > 0 && !r.Panic {
			first := r.Failures[0]
			fmt.Fprintf(w, "  %s\n", s.red(first.Test))
			printLines(w, s, trimFailure(first.Lines, root, module+"/"+k.Path(), maxFailureLines))
			if rest := len(r.Failures) - 1; rest > 0 {
				var names []string
				for _, f := range r.Failures[1:min(len(r.Failures), 6)] {
					names = append(names, f.Test)
				}
				if rest > len(names) {
					names = append(names, fmt.Sprintf("and %d more", rest-len(names)))
				}
				fmt.Fprintf(w, "  %s %s\n", s.dim("also failing:"), strings.Join(names, ", "))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  Stuck? go run ./scripts/koans hint %s\n", k.Name)
}

func printLines(w io.Writer, s style, lines []string) {
	for _, line := range lines {
		if strings.Contains(line, "hint:") {
			line = s.cyan(line)
		}
		fmt.Fprintln(w, "  "+line)
	}
}

var (
	// testify's report: "\tError Trace:\t/path/x_test.go:12" and its
	// continuation lines "\t            \tmore".
	testifyField = regexp.MustCompile(`^(\s*)\t([A-Za-z ]+):\s*\t(.*)$`)
	testifyMore  = regexp.MustCompile(`^(\s*)\t\s+\t(.*)$`)
	goroutine    = regexp.MustCompile(`^goroutine \d+ \[`)
)

// explanations turn the runtime's last words into something a learner can act on.
var explanations = []struct{ marker, say string }{
	{"panic: test timed out", "The tests were still running after " + testTimeout + ": something blocked forever. Below is where your code was stuck."},
	{"main bubble goroutine has exited but blocked goroutines remain", "A test ended while a goroutine it started was still blocked: a goroutine leak. Below is where it was stuck."},
	{"all goroutines in bubble are blocked", "Deadlock: every goroutine in the test was waiting for another. Below is where your code was stuck."},
}

// trimFailure makes go test's output of a failing koan short and readable:
// no RUN lines, testify's reports without their traces, goroutine dumps cut
// down to the goroutines in the koan's own package, absolute paths relative.
func trimFailure(lines []string, root, pkg string, maxLines int) []string {
	var out []string
	skipping := false // inside testify's Error Trace or Test field
	var dump []string // the goroutine being read, if any
	kept := 0         // goroutines kept from a dump
	flushGoroutine := func() {
		if len(dump) > 0 && kept < 3 && strings.Contains(strings.Join(dump, "\n"), pkg) {
			out = append(out, dump...)
			out = append(out, "")
			kept++
		}
		dump = nil
	}
	for _, line := range lines {
		line = strings.ReplaceAll(line, root+string(os.PathSeparator), "")
		line = strings.ReplaceAll(line, root+"/", "")
		switch {
		case strings.HasPrefix(line, "=== "), strings.HasPrefix(strings.TrimSpace(line), "--- PASS"):
			continue
		case goroutine.MatchString(line):
			flushGoroutine()
			dump = []string{line}
			continue
		case dump != nil:
			if line == "" {
				flushGoroutine()
			} else if !strings.HasPrefix(line, "\t") || !strings.Contains(line, "/src/runtime/") {
				dump = append(dump, line)
			}
			continue
		}
		for _, e := range explanations {
			if strings.Contains(line, e.marker) {
				out = append(out, e.say)
			}
		}
		if m := testifyField.FindStringSubmatch(line); m != nil {
			skipping = m[2] == "Error Trace" || m[2] == "Test"
			if !skipping {
				out = append(out, m[1]+m[2]+": "+m[3])
			}
			continue
		}
		if m := testifyMore.FindStringSubmatch(line); m != nil {
			if !skipping {
				out = append(out, m[1]+"    "+m[2])
			}
			continue
		}
		skipping = false
		out = append(out, line)
	}
	flushGoroutine()
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	if len(out) > maxLines {
		more := len(out) - maxLines
		out = append(out[:maxLines], fmt.Sprintf("… %d more lines", more))
	}
	return out
}
