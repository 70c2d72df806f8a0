package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"golang.org/x/sync/errgroup"
)

// pollInterval is how often watch looks at modification times. It always
// polls: some file systems (network mounts, WSL's /mnt, container bind
// mounts) never deliver change notifications. Where notifications work they
// make the re-run immediate.
const pollInterval = time.Second

// settle lets an editor finish a save (many write a temp file, then rename)
// before the run starts.
const settle = 150 * time.Millisecond

// watch runs the course, then again after every change to a Go file.
func (c *course) watch(ctx context.Context, w io.Writer) error {
	poke := make(chan struct{}, 1)
	changed := func() {
		select {
		case poke <- struct{}{}:
		default: // a run is already due
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	start := c.fingerprint() // before anything runs: a save during the first run counts
	g.Go(func() error { return c.poll(ctx, start, changed) })
	g.Go(func() error { c.notify(ctx, w, changed); return nil })
	g.Go(func() error {
		last := ""
		for {
			if fp := c.fingerprint(); fp != last {
				last = fp
				if c.style.tty {
					fmt.Fprint(w, "\x1b[H\x1b[2J") // clear the screen
				}
				if err := c.progress(ctx, w); err != nil {
					if ctx.Err() != nil {
						return nil
					}
					fmt.Fprintln(w, c.style.red("koans: "+err.Error()))
				}
				fmt.Fprintln(w, c.style.dim("\nwatching for changes — Ctrl-C to stop"))
			}
			select {
			case <-ctx.Done():
				return nil
			case <-poke:
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(settle):
			}
		}
	})
	return g.Wait()
}

// poll calls changed whenever the fingerprint of the watched files moves
// from last.
func (c *course) poll(ctx context.Context, last string, changed func()) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if fp := c.fingerprint(); fp != last {
				last = fp
				changed()
			}
		}
	}
}

// notify calls changed on every file-system event in a watched directory.
// Where notifications are unavailable it says so and leaves it to polling.
func (c *course) notify(ctx context.Context, w io.Writer, changed func()) {
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		fmt.Fprintf(w, "no file notifications here (%v); checking every %v instead\n", err, pollInterval)
		return
	}
	defer watcher.Close()
	for _, dir := range c.watchedDirs() {
		if err := watcher.Add(dir); err != nil {
			fmt.Fprintf(w, "no file notifications for %s (%v); checking every %v instead\n", dir, err, pollInterval)
			return
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-watcher.Events:
			if !ok {
				return
			}
			if watched(ev.Name) {
				changed()
			}
		case _, ok := <-watcher.Errors:
			if !ok {
				return
			}
			changed() // an overflow loses events: look again
		}
	}
}

// watched reports whether a change to the named file can change a result.
func watched(name string) bool {
	base := filepath.Base(name)
	return strings.HasSuffix(base, ".go") || base == "go.mod" || base == "go.sum"
}

// watchedDirs is every directory of the module outside hidden ones.
func (c *course) watchedDirs() []string {
	var dirs []string
	filepath.WalkDir(c.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != c.root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	return dirs
}

// fingerprint summarises the names, sizes and modification times of the
// watched files: it changes when any of them does.
func (c *course) fingerprint() string {
	var lines []string
	for _, dir := range c.watchedDirs() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() || !watched(e.Name()) {
				continue
			}
			if info, err := e.Info(); err == nil {
				lines = append(lines, fmt.Sprintf("%s %d %d", filepath.Join(dir, e.Name()), info.Size(), info.ModTime().UnixNano()))
			}
		}
	}
	slices.Sort(lines)
	h := fnv.New64a()
	for _, l := range lines {
		io.WriteString(h, l+"\n")
	}
	return fmt.Sprint(h.Sum64())
}
