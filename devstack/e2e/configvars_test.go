package e2e

// The environment variables a binary reads, derived from its config struct's
// source, so that the compose checks cannot drift from the code. The config
// packages are internal to their modules, so this module cannot import them
// and reflect; it reads their caarlos0/env tags with go/parser instead,
// following nested structs into other prana packages as the library does.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	devstack "prana/devstack/stack"
)

// envVar is one variable a config struct reads.
type envVar struct {
	Default    string
	HasDefault bool
	// Required: tagged required or notEmpty, so the binary will not start
	// without it.
	Required bool
}

// configVars returns the variables read by struct typeName of the package
// in dir (relative to the repository root), by name.
func configVars(t *testing.T, dir, typeName string) map[string]envVar {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := findStruct(t, root, dir, typeName); st == nil {
		t.Fatalf("no struct type %s in %s", typeName, dir)
	}
	vars := map[string]envVar{}
	collectVars(t, root, dir, typeName, "", vars)
	if len(vars) < 10 {
		t.Fatalf("%s.%s reads only %d variables: has the config moved?", dir, typeName, len(vars))
	}
	return vars
}

// allConfigVars is every variable some binary reads.
func allConfigVars(t *testing.T) map[string]envVar {
	t.Helper()
	all := configVars(t, "auth/internal/config", "Config")
	for k, v := range configVars(t, "pdf/internal/config", "Config") {
		all[k] = v
	}
	return all
}

func collectVars(t *testing.T, root, dir, typeName, prefix string, vars map[string]envVar) {
	t.Helper()
	st, file := findStruct(t, root, dir, typeName)
	if st == nil {
		return // a named non-struct type, e.g. a string kind: not descended into
	}
	for _, f := range st.Fields.List {
		if len(f.Names) > 0 && !f.Names[0].IsExported() {
			continue // the library skips unexported fields
		}
		var tag reflect.StructTag
		if f.Tag != nil {
			s, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				t.Fatalf("%s.%s: tag %s: %v", dir, typeName, f.Tag.Value, err)
			}
			tag = reflect.StructTag(s)
		}
		if spec, ok := tag.Lookup("env"); ok {
			name, opts, _ := strings.Cut(spec, ",")
			if name == "-" {
				continue
			}
			def, hasDef := tag.Lookup("envDefault")
			optList := strings.Split(opts, ",")
			vars[prefix+name] = envVar{
				Default: def, HasDefault: hasDef,
				Required: !hasDef && (slices.Contains(optList, "required") || slices.Contains(optList, "notEmpty")),
			}
			continue
		}
		// No env tag: the library descends into struct-typed fields.
		subDir, subType, ok := resolveType(t, file, dir, f.Type)
		if !ok {
			continue // a plain field without a tag is not read
		}
		collectVars(t, root, subDir, subType, prefix+tag.Get("envPrefix"), vars)
	}
}

// resolveType finds where a field's named type is declared: this package,
// or another prana package. Types of other modules are reported as not
// followed, which is right only if they are not structs: the test fails
// rather than guess.
func resolveType(t *testing.T, file *ast.File, dir string, expr ast.Expr) (string, string, bool) {
	t.Helper()
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	switch e := expr.(type) {
	case *ast.Ident:
		if types.Universe.Lookup(e.Name) != nil {
			return "", "", false // a predeclared type: string, int, …
		}
		return dir, e.Name, true
	case *ast.SelectorExpr:
		pkg, ok := e.X.(*ast.Ident)
		if !ok {
			return "", "", false
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := filepath.Base(path)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			if name != pkg.Name {
				continue
			}
			if rest, ok := strings.CutPrefix(path, "prana/"); ok {
				return rest, e.Sel.Name, true
			}
			if path == "time" || path == "net/url" {
				return "", "", false // time.Duration and the like: parsed from one variable
			}
			t.Fatalf("%s: an untagged field of type %s.%s: the test cannot tell whether the library reads into it",
				dir, path, e.Sel.Name)
		}
	}
	return "", "", false
}

// findStruct parses the package in dir and returns the struct type named
// typeName and the file declaring it; nil if typeName is no struct.
func findStruct(t *testing.T, root, dir, typeName string) (*ast.StructType, *ast.File) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, dir, "*.go")) // constant pattern: no error possible
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok && ts.Name.Name == typeName {
					return st, f
				}
			}
		}
	}
	return nil, nil
}
