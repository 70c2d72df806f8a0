package main

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// koanFiles is a koan directory's Go files, by role.
type koanFiles struct {
	Stubs   []string // built without -tags solutions: the learner's files
	Tagged  []string // built only with -tags solutions: a koan's bridge, or a reference
	Tests   []string // _test.go
	Doc     string   // the package comment of doc.go: the lesson
	Fuzz    bool     // a Fuzz target exists
	Bench   bool     // a Benchmark exists
	TODO    bool     // a stub still refers to todo.Err
	Imports map[string][]string
}

// readKoanFiles parses the Go files in dir (relative to root).
func readKoanFiles(root, dir string) (koanFiles, error) {
	var kf koanFiles
	kf.Imports = map[string][]string{}
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		return kf, err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		rel := filepath.ToSlash(filepath.Join(dir, name))
		f, err := parser.ParseFile(fset, filepath.Join(root, rel), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return kf, err
		}
		for _, imp := range f.Imports {
			kf.Imports[rel] = append(kf.Imports[rel], strings.Trim(imp.Path.Value, `"`))
		}
		switch {
		case strings.HasSuffix(name, "_test.go"):
			kf.Tests = append(kf.Tests, rel)
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
					kf.Bench = kf.Bench || strings.HasPrefix(fn.Name.Name, "Benchmark")
					kf.Fuzz = kf.Fuzz || strings.HasPrefix(fn.Name.Name, "Fuzz")
				}
			}
		case name == "doc.go":
			if f.Doc != nil {
				kf.Doc = f.Doc.Text()
			}
		}
		withTag, withoutTag := builds(f, true), builds(f, false)
		switch {
		case strings.HasSuffix(name, "_test.go"), withTag && withoutTag:
		case withoutTag:
			kf.Stubs = append(kf.Stubs, rel)
			kf.TODO = kf.TODO || refersToTODO(f)
		case withTag:
			kf.Tagged = append(kf.Tagged, rel)
		}
	}
	return kf, nil
}

// builds reports whether f is built when the solutions tag is set or not.
func builds(f *ast.File, solutions bool) bool {
	for _, group := range f.Comments {
		if group.Pos() > f.Package {
			break
		}
		for _, c := range group.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			return expr.Eval(func(tag string) bool { return tag == "solutions" && solutions })
		}
	}
	return true
}

// refersToTODO reports whether f's code (not its comments) uses todo.Err.
func refersToTODO(f *ast.File) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "todo" && sel.Sel.Name == "Err" {
				found = true
			}
		}
		return !found
	})
	return found
}

// koanDirs lists the koan packages in the tree: the directories directly
// under each phase that hold Go files.
func koanDirs(root string) ([]string, error) {
	var dirs []string
	for _, p := range phases {
		entries, err := os.ReadDir(filepath.Join(root, p.Dir))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := p.Dir + "/" + e.Name()
			if goFiles, _ := filepath.Glob(filepath.Join(root, dir, "*.go")); len(goFiles) > 0 {
				dirs = append(dirs, dir)
			}
		}
	}
	slices.Sort(dirs)
	return dirs, nil
}
