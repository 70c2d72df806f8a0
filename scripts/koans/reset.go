package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// reset restores k's stub files as the course shipped them — not simply as
// HEAD has them, which is the learner's answer if they commit their
// progress. The current file is saved first, so nothing is lost.
func (c *course) reset(ctx context.Context, w io.Writer, k koan) error {
	kf, err := readKoanFiles(c.root, k.Path())
	if err != nil {
		return err
	}
	if len(kf.Stubs) == 0 {
		return fmt.Errorf("%s has no stub file", k.Path())
	}
	for _, stub := range kf.Stubs {
		original, rev, err := c.shippedStub(ctx, stub)
		if err != nil {
			return err
		}
		path := filepath.Join(c.root, filepath.FromSlash(stub))
		current, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Equal(current, original) {
			fmt.Fprintf(w, "%s is already the original stub\n", stub)
			continue
		}
		backup := filepath.Join(os.TempDir(), fmt.Sprintf("netkoans-%s-%s-%s", k.Name, time.Now().Format("20060102-150405"), filepath.Base(stub)))
		if err := os.WriteFile(backup, current, 0o644); err != nil {
			return fmt.Errorf("saving your version first: %w", err)
		}
		if err := os.WriteFile(path, original, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "restored %s from commit %.12s\nyour version is saved as %s\n", stub, rev, backup)
	}
	return nil
}

// shippedStub finds the stub as the course shipped it: the version at the
// point where this checkout's history leaves the course's (the merge base
// with the branch it was cloned from), or — with no such branch — the newest
// committed version that still uses todo.Err.
func (c *course) shippedStub(ctx context.Context, stub string) (content []byte, rev string, err error) {
	for _, upstream := range []string{"@{upstream}", "origin/HEAD"} {
		base, err := c.git(ctx, "merge-base", "HEAD", upstream)
		if err != nil {
			continue
		}
		rev := strings.TrimSpace(string(base))
		if content, err := c.git(ctx, "show", rev+":"+stub); err == nil {
			return content, rev, nil
		}
	}
	revs, err := c.git(ctx, "log", "--format=%H", "--", stub)
	if err != nil {
		return nil, "", fmt.Errorf("reset needs git and the course's history: %w", err)
	}
	for _, rev := range strings.Fields(string(revs)) {
		content, err := c.git(ctx, "show", rev+":"+stub)
		if err == nil && bytes.Contains(content, []byte("todo.Err")) {
			return content, rev, nil
		}
	}
	return nil, "", fmt.Errorf("no committed version of %s still has its TODOs", stub)
}

func (c *course) git(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = c.root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
