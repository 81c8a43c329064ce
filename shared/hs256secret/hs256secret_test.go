package hs256secret

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		desc, secret, want string
	}{
		{"the seed's and .env.example's secret", "example_secret_key_hex_string", "example secret"},
		{"empty", "", "at least 32 bytes"},
		{"16 bytes (the old minimum)", "0123456789abcdef", "at least 32 bytes"},
		{"31 bytes", strings.Repeat("k", 31), "at least 32 bytes"},
		{"31 bytes, multi-byte characters counted as bytes", strings.Repeat("é", 15) + "k", "at least 32 bytes"},
	} {
		err := Check("SECRET_KEY", []byte(c.secret))
		if err == nil {
			t.Errorf("%s: accepted", c.desc)
			continue
		}
		for _, want := range []string{"SECRET_KEY", c.want, HowToMake} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q does not say %q", c.desc, err, want)
			}
		}
	}
	for _, ok := range []string{strings.Repeat("k", 32), "q7Vx2m0pZ8eYc1Lr4NfA9sHk3TuW6bJd5GiQoXyEvRnPaClM"} {
		if err := Check("SECRET_KEY", []byte(ok)); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// secretSetting finds a SECRET_KEY value: `SECRET_KEY=v` (.env, shell, a
// README's examples), `SECRET_KEY: v` (compose) and compose's
// `${SECRET_KEY:-v}` default.
var secretSetting = regexp.MustCompile(`SECRET_KEY(?:=|:\s+)["']?([^\s"'$]+)|\$\{SECRET_KEY:?-([^}]+)\}`)

// TestEveryPublishedExampleIsRefused walks the repository for secrets a
// reader could copy: every SECRET_KEY value in an .env example, a compose
// file or a Markdown document must be refused. Publishing a new example
// fails this test until it is added to the list (or is long and random
// and therefore no example at all, which this test cannot tell: so it
// refuses that too).
func TestEveryPublishedExampleIsRefused(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == ".git" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !published(name) {
			return nil
		}
		for _, v := range secretValues(t, path) {
			found++
			t.Logf("%s: %q", path, v)
			if Check("SECRET_KEY", []byte(v)) == nil {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s publishes SECRET_KEY %q, and it is accepted: add it to examples", rel, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d published SECRET_KEY values checked", found)
}

// TestSecretSettingFindsEachForm: the walk above finds nothing if the
// pattern is wrong, so the pattern is checked on each form.
func TestSecretSettingFindsEachForm(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"SECRET_KEY=example_secret_key_hex_string":    "example_secret_key_hex_string",
		"export SECRET_KEY='abc'":                     "abc",
		"      SECRET_KEY: hunter2":                   "hunter2",
		"      SECRET_KEY: ${SECRET_KEY:-dev-secret}": "dev-secret",
		"`SECRET_KEY=x1 make run`":                    "x1",
	} {
		if got := valuesIn(line); len(got) != 1 || got[0] != want {
			t.Errorf("%q: found %q, want %q", line, got, want)
		}
	}
	for _, line := range []string{"SECRET_KEY: ${SECRET_KEY:-}", "# SECRET_KEY=", "| `SECRET_KEY` | — |"} {
		if got := valuesIn(line); len(got) != 0 {
			t.Errorf("%q: found %q, want nothing", line, got)
		}
	}
}

func published(name string) bool {
	return strings.HasSuffix(name, ".md") || strings.Contains(name, ".env") ||
		strings.Contains(name, "compose") && (strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml"))
}

func secretValues(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, valuesIn(sc.Text())...)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

func valuesIn(line string) []string {
	var out []string
	for _, m := range secretSetting.FindAllStringSubmatch(line, -1) {
		for _, v := range m[1:] {
			if v = strings.Trim(v, "`"); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// repoRoot is the folder holding go.work, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's folder")
		}
		dir = parent
	}
}
