package arena_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// layerRules say what each layer must not import, so the arrows of
// docs/ARCHITECTURE.md stay one way: handlers → domain → models/rating.
// Directories are relative to the module root; "arena/" covers the domain's
// sub-packages too.
var layerRules = []struct {
	dir       string
	forbidden []string
	why       string
}{
	{"arena", []string{"github.com/labstack/echo", "github.com/a-h/templ", "net/http", "gorm.io/", "openarena.dev/arena/handlers", "openarena.dev/arena/views"},
		"the domain knows nothing of HTTP or HTML, and its SQL lives behind models.Store"},
	{"handlers", []string{"gorm.io/", "database/sql", "github.com/glebarez/", "github.com/jackc/"},
		"handlers reach the database only through the domain"},
	{"models", []string{"openarena.dev/arena/arena", "openarena.dev/arena/handlers", "openarena.dev/arena/views", "github.com/labstack/echo"},
		"the store knows nothing of the domain or HTTP"},
	{"views", []string{"openarena.dev/arena/models", "openarena.dev/arena/arena", "openarena.dev/arena/handlers", "gorm.io/"},
		"templates take view models, never a store or domain type"},
}

// TestLayering enforces layerRules on every non-test file.
func TestLayering(t *testing.T) {
	for _, r := range layerRules {
		for _, f := range goFiles(t, filepath.Join("..", r.dir), r.dir == "arena") {
			for _, imp := range parseFile(t, f).Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				for _, bad := range r.forbidden {
					if path == strings.TrimSuffix(bad, "/") || strings.HasPrefix(path, strings.TrimSuffix(bad, "/")+"/") {
						t.Errorf("%s imports %q: %s", f, path, r.why)
					}
				}
			}
		}
	}
}

// TestHandlersDoNotReachTheStore fails on any call of a Store() method from
// the handlers: they go through the domain, which keeps the rules.
func TestHandlersDoNotReachTheStore(t *testing.T) {
	for _, f := range goFiles(t, filepath.Join("..", "handlers"), false) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Store" {
				t.Errorf("%s calls Store(); handlers go through the domain", fset.Position(call.Pos()))
			}
			return true
		})
	}
}

// goFiles lists the non-test, non-generated Go files of dir, and of its
// sub-directories when deep.
func goFiles(t *testing.T, dir string, deep bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && (!deep || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files under %s", dir)
	}
	return out
}

func parseFile(t *testing.T, path string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
