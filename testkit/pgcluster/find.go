package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNotFound reports that the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. Find wraps
// it in an error that says where it looked and how to install them.
var ErrNotFound = errors.New("PostgreSQL server binaries not found")

// serverBinaries are the programs a cluster needs; they must all live in one directory because pg_ctl finds
// postgres next to itself.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// debianGlob is where Debian and Ubuntu install the server binaries: off PATH, one directory per major version.
const debianGlob = "/usr/lib/postgresql/*/bin"

// candidate is a directory that may hold the server binaries, with where the idea came from (for error messages).
type candidate struct {
	dir, source string
}

// Find returns the directory holding initdb, pg_ctl and postgres. It looks on PATH, then in `pg_config --bindir`,
// then in /usr/lib/postgresql/*/bin, newest major version first. When none has all three, the error (which wraps
// ErrNotFound) names what is missing where and how to install it.
func Find() (binDir string, err error) {
	return find(candidates())
}

// candidates lists the directories Find tries, in order.
func candidates() []candidate {
	var cs []candidate
	for _, name := range serverBinaries {
		if p, err := exec.LookPath(name); err == nil {
			cs = append(cs, candidate{filepath.Dir(p), "PATH (" + name + ")"})
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		cs = append(cs, candidate{strings.TrimSpace(string(out)), "pg_config --bindir"})
	}
	dirs, _ := filepath.Glob(debianGlob) // the pattern is constant, so the only error (ErrBadPattern) cannot happen
	sort.SliceStable(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, d := range dirs {
		cs = append(cs, candidate{d, debianGlob})
	}
	return cs
}

// majorVersion parses the version directory of /usr/lib/postgresql/<version>/bin ("15", "9.6"); 0 if it is not
// a number, which sorts it last.
func majorVersion(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return 0
	}
	return v
}

// find returns the first candidate directory that holds every server binary.
func find(cs []candidate) (string, error) {
	var tried []string
	seen := map[string]bool{}
	for _, c := range cs {
		if c.dir == "" || seen[c.dir] {
			continue
		}
		seen[c.dir] = true
		missing := missingIn(c.dir)
		if len(missing) == 0 {
			return c.dir, nil
		}
		tried = append(tried, fmt.Sprintf("%s (from %s) lacks %s", c.dir, c.source, strings.Join(missing, ", ")))
	}
	return "", notFound(tried)
}

// missingIn lists the server binaries that are not executable files in dir.
func missingIn(dir string) []string {
	var missing []string
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			missing = append(missing, name)
		}
	}
	return missing
}

// notFound builds the error Find returns: what was looked for, where, and how to install it.
func notFound(tried []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "need %s in one directory", strings.Join(serverBinaries, ", "))
	if len(tried) == 0 {
		fmt.Fprintf(&b, "; none on PATH, no pg_config on PATH, nothing in %s", debianGlob)
	} else {
		fmt.Fprintf(&b, "; looked on PATH, in `pg_config --bindir` and in %s: %s", debianGlob, strings.Join(tried, "; "))
	}
	b.WriteString(". Install the PostgreSQL server (the client packages alone are not enough): " +
		"Debian/Ubuntu `apt-get install postgresql`, Fedora `dnf install postgresql-server`, " +
		"macOS `brew install postgresql@15`")
	return fmt.Errorf("%w: %s", ErrNotFound, b.String())
}
