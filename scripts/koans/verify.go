package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// stubBudget is how long a koan's tests may take to fail on its stub. A
// learner meets every stub; one that waits out a timeout wastes their time
// and says nothing a fast failure would not.
const stubBudget = 5 * time.Second

// verify proves the course is whole: the curriculum and the tree agree, every
// koan has a lesson, a hint, a benchmark and the five-file shape, fails on its
// stub through a failing test, and passes on its reference.
func (c *course) verify(ctx context.Context, w io.Writer) error {
	problems := map[string][]string{} // koan path (or "course") -> what falls short
	complain := func(where, format string, args ...any) {
		problems[where] = append(problems[where], fmt.Sprintf(format, args...))
	}

	// The curriculum and the tree name the same koans.
	dirs, err := koanDirs(c.root)
	if err != nil {
		return err
	}
	var listed []string
	seen := map[string]bool{}
	for _, k := range curriculum {
		listed = append(listed, k.Path())
		if seen[k.Name] {
			complain(k.Path(), "the name %q is used twice in the curriculum: hint and reset could not tell them apart", k.Name)
		}
		seen[k.Name] = true
		if !slices.Contains(dirs, k.Path()) {
			complain(k.Path(), "in the curriculum but there is no package %s/", k.Path())
		}
	}
	for _, d := range dirs {
		if !slices.Contains(listed, d) {
			complain(d, "a koan package that is not in the curriculum (scripts/koans/curriculum.go)")
		}
	}
	readme, err := os.ReadFile(filepath.Join(c.root, "README.md"))
	if err != nil {
		complain("course", "no README.md: %v", err)
	}

	// Each koan's files.
	var koans []koan
	for _, k := range curriculum {
		if !slices.Contains(dirs, k.Path()) {
			continue
		}
		koans = append(koans, k)
		kf, err := readKoanFiles(c.root, k.Path())
		if err != nil {
			complain(k.Path(), "%v", err)
			continue
		}
		for _, p := range c.checkShape(k, kf) {
			complain(k.Path(), "%s", p)
		}
		if len(strings.TrimSpace(k.Hint)) < 40 {
			complain(k.Path(), "no real hint in the curriculum (scripts/koans/curriculum.go)")
		}
		if !strings.Contains(string(readme), k.Path()) {
			complain(k.Path(), "README.md's curriculum table does not name %s", k.Path())
		}
	}

	// Stubs fail through a failing test; references pass.
	fmt.Fprintf(w, "running %d koans on their stubs…\n", len(koans))
	onStubs, err := goTest(ctx, c.root, c.module, koans, "", c.race)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "running %d koans on their references (-tags solutions)…\n", len(koans))
	onRefs, err := goTest(ctx, c.root, c.module, koans, "solutions", c.race)
	if err != nil {
		return err
	}
	for _, k := range koans {
		stub, ref := onStubs[k.Path()], onRefs[k.Path()]
		switch {
		case stub.Outcome == passed:
			complain(k.Path(), "passes on its stub: its tests cannot tell a TODO from an answer")
		case stub.Outcome == buildFailed:
			complain(k.Path(), "its stub does not compile (a build error is not a failing test):\n%s", indent(stub.Output))
		case stub.Panic:
			complain(k.Path(), "its stub panics, hangs or deadlocks (a stub must fail fast and cleanly):\n%s", indent(trimFailure(stub.Output, c.root, c.module+"/"+k.Path(), 12)))
		case !stub.TODO:
			complain(k.Path(), "its failing tests never show the stub's todo.Err, so the runner cannot tell \"not started\" from \"wrong\"")
		case stub.Elapsed > stubBudget:
			complain(k.Path(), "its tests take %v to fail on the stub (budget %v): fail fast instead of waiting out a timeout", stub.Elapsed.Round(time.Millisecond), stubBudget)
		}
		if ref.Outcome != passed {
			complain(k.Path(), "fails on its reference (-tags solutions):\n%s", indent(trimFailure(ref.Output, c.root, c.module+"/"+k.Path(), 20)))
		}
	}

	// The report.
	s := c.style
	for _, k := range koans {
		if len(problems[k.Path()]) == 0 {
			fmt.Fprintf(w, "%s %-22s stub fails in %5.2fs, reference passes\n", s.green("✓"), k.Path(), onStubs[k.Path()].Elapsed.Seconds())
		}
	}
	var bad []string
	for where := range problems {
		bad = append(bad, where)
	}
	slices.Sort(bad)
	for _, where := range bad {
		fmt.Fprintf(w, "%s %s\n", s.red("✗"), where)
		for _, p := range problems[where] {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "\nverify: %d koans or packages fall short (the curriculum has %d)\n", len(bad), len(curriculum))
		return errQuiet
	}
	fmt.Fprintf(w, "\nverify: all %d koans fail on their stubs and pass on their references\n", len(koans))
	return nil
}

// checkShape holds a koan to COURSE.md's five-file shape and import rules.
func (c *course) checkShape(k koan, kf koanFiles) []string {
	var p []string
	if len(strings.TrimSpace(kf.Doc)) < 300 {
		p = append(p, "no lesson: doc.go needs a package comment that teaches (go doc prints it)")
	}
	if len(kf.Stubs) == 0 {
		p = append(p, "no stub: a file with //go:build !solutions for the learner to edit")
	}
	if len(kf.Tagged) == 0 {
		p = append(p, "no bridge: a file with //go:build solutions aliasing the reference")
	}
	if len(kf.Tests) == 0 {
		p = append(p, "no tests")
	}
	if !kf.Bench {
		p = append(p, "no benchmark: every koan measures something")
	}
	ref := "solutions/" + k.Path()
	rf, err := readKoanFiles(c.root, ref)
	if err != nil || len(rf.Tagged) == 0 {
		p = append(p, "no reference: "+ref+"/ with //go:build solutions files")
	}
	// A koan stands alone: its stub and reference reach into the module
	// only for internal/, its bridge only for its own reference.
	internal := c.module + "/internal/"
	for file, imports := range mergeImports(kf, rf) {
		for _, imp := range imports {
			if !strings.HasPrefix(imp, c.module+"/") || strings.HasPrefix(imp, internal) {
				continue
			}
			if imp == c.module+"/"+k.Path() && strings.HasSuffix(file, "_test.go") {
				continue // the black-box test imports its koan
			}
			if imp == c.module+"/"+ref && slices.Contains(kf.Tagged, file) {
				continue
			}
			p = append(p, fmt.Sprintf("%s imports %s: a koan may import only internal/ (and its bridge only its own reference)", file, imp))
		}
	}
	return p
}

func mergeImports(files ...koanFiles) map[string][]string {
	all := map[string][]string{}
	for _, f := range files {
		for file, imports := range f.Imports {
			all[file] = imports
		}
	}
	return all
}

func indent(lines []string) string {
	return "      " + strings.Join(lines, "\n      ")
}
