// Command koans runs the netkoans course: the koans in curriculum order,
// stopping at the first one that does not pass yet.
//
//	go run ./scripts/koans            run the course, show the next koan to solve
//	go run ./scripts/koans watch      the same, again on every save
//	go run ./scripts/koans hint KOAN  a hint for one koan
//	go run ./scripts/koans list       every koan and its status
//	go run ./scripts/koans reset KOAN restore a koan's stub as the course shipped it
//	go run ./scripts/koans verify     maintainers and CI: every koan fails on its
//	                                  stub and passes on its reference
//
// Flags (before the command): -race runs the tests under the race detector
// (it needs cgo, so a C compiler on Windows).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

const usage = `netkoans — a koans course in Go networking

usage: go run ./scripts/koans [-race] [command]

commands:
  (none)       run the koans in order and show the first one to solve
  watch        the same, and again each time a file is saved (Ctrl-C stops)
  hint KOAN    a hint for KOAN (e.g. tcpecho, or phase1/tcpecho)
  list         every koan with its status
  reset KOAN   restore KOAN's stub as the course shipped it (your version is saved)
  verify       for maintainers and CI: every koan fails on its stub, passes on
               its reference, and has a lesson, a hint and a benchmark

flags:
`

// errQuiet is returned when the command already said what went wrong.
var errQuiet = errors.New("quiet")

func main() {
	flags := flag.NewFlagSet("koans", flag.ContinueOnError)
	race := flags.Bool("race", false, "run the tests with the race detector (needs cgo)")
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), usage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	err := run(ctx, os.Stdout, flags.Args(), *race)
	switch {
	case err == nil:
	case errors.Is(err, errQuiet):
		os.Exit(1)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, err)
		flags.Usage()
		os.Exit(2)
	case ctx.Err() != nil:
		os.Exit(130)
	default:
		fmt.Fprintln(os.Stderr, "koans:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, w io.Writer, args []string, race bool) error {
	root, module, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	c := &course{root: root, module: module, race: race, style: newStyle(os.Stdout)}
	cmd, rest := "", []string(nil)
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	needKoan := func() (koan, error) {
		if len(rest) != 1 {
			return koan{}, fmt.Errorf("%w: %s takes one koan name", errUsage, cmd)
		}
		return findKoan(rest[0])
	}
	switch cmd {
	case "":
		// A koan still to solve is the course working, not the runner
		// failing: the exit status is 0 either way.
		return c.progress(ctx, w)
	case "watch":
		return c.watch(ctx, w)
	case "list":
		return c.list(ctx, w)
	case "hint":
		k, err := needKoan()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s\n%s\n", c.style.bold("Hint for"), c.style.bold(k.Path()), strings.TrimSpace(k.Hint))
		return nil
	case "reset":
		k, err := needKoan()
		if err != nil {
			return err
		}
		return c.reset(ctx, w, k)
	case "verify":
		return c.verify(ctx, w)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// findKoan accepts "tcpecho" or "phase1/tcpecho" (or "./phase1/tcpecho/").
func findKoan(name string) (koan, error) {
	name = strings.Trim(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "./"), "/")
	for _, k := range curriculum {
		if name == k.Name || name == k.Path() {
			return k, nil
		}
	}
	return koan{}, fmt.Errorf("no koan named %q: `go run ./scripts/koans list` shows them all", name)
}

// course is the runner's view of the checkout.
type course struct {
	root, module string
	race         bool
	style        style
}

// status runs what it must to know where the learner is. A koan whose stub
// still returns todo.Err fails by construction (verify proves every stub
// fails), so only the first of those — the current koan — is run, with every
// koan that no longer has TODOs; the rest are "not started" without the cost
// of building and running their tests.
func (c *course) status(ctx context.Context) (map[string]*result, map[string]koanFiles, error) {
	files := map[string]koanFiles{}
	var toRun []koan
	sawTODO := false
	for _, k := range curriculum {
		kf, err := readKoanFiles(c.root, k.Path())
		if err != nil {
			return nil, nil, fmt.Errorf("koan %s: %w", k.Path(), err)
		}
		files[k.Path()] = kf
		if kf.TODO {
			if sawTODO {
				continue
			}
			sawTODO = true
		}
		toRun = append(toRun, k)
	}
	results, err := goTest(ctx, c.root, c.module, toRun, "", c.race)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range curriculum {
		if results[k.Path()] == nil {
			results[k.Path()] = &result{Outcome: notStarted}
		}
	}
	return results, files, nil
}

// progress prints the progress and the first koan to solve.
func (c *course) progress(ctx context.Context, w io.Writer) error {
	results, files, err := c.status(ctx)
	if err != nil {
		return err
	}
	s := c.style
	fmt.Fprintln(w, s.bold("netkoans"))
	printProgress(w, s, results)
	for _, k := range curriculum {
		if r := results[k.Path()]; r.Outcome != passed {
			printFailure(w, s, c.root, c.module, k, files[k.Path()], r)
			return nil
		}
	}
	fmt.Fprintln(w, s.green("Every koan passes. Compare your answers with the references under solutions/ —"))
	fmt.Fprintln(w, s.green("and run the benchmarks: go test -run '^$' -bench . ./phase1/..."))
	return nil
}

func (c *course) list(ctx context.Context, w io.Writer) error {
	results, _, err := c.status(ctx)
	if err != nil {
		return err
	}
	s := c.style
	last := ""
	for _, k := range curriculum {
		if k.Phase != last {
			for _, p := range phases {
				if p.Dir == k.Phase {
					fmt.Fprintf(w, "\n%s  %s\n", s.bold(p.Dir), s.dim(p.Title))
				}
			}
			last = k.Phase
		}
		symbol, word := s.mark(results[k.Path()])
		fmt.Fprintf(w, "  %s %-16s %s\n", symbol, k.Name, s.dim(word))
	}
	return nil
}
