// Command rulecheck proves that the layering rules of .golangci.yml bite.
// It reads golangci-lint's JSON report of the fixture tree
// (tools/lint/fixture, linted with depguard only) from standard input and
// fails unless:
//
//   - every depguard rule of the config reported at least once;
//   - each fixture file that says "// want RULE" got a report from RULE;
//   - no file named ok*.go (imports the rules must allow) got any report;
//   - every adapter folder of the services (*/internal/adapters/*) has its
//     adapter-<service>-<name> rule, so a new adapter cannot go unchecked.
//
// `make lint-rules` runs it.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

type report struct {
	Issues []struct {
		FromLinter string
		Text       string
		Pos        struct{ Filename string }
	}
}

type config struct {
	Linters struct {
		Settings struct {
			Depguard struct {
				Rules map[string]any `yaml:"rules"`
			} `yaml:"depguard"`
		} `yaml:"settings"`
	} `yaml:"linters"`
}

var (
	fromList = regexp.MustCompile(`from list '([^']+)'`)
	want     = regexp.MustCompile(`^// want ([a-z0-9-]+)$`)
)

func main() {
	root := flag.String("root", ".", "the repository root; the paths below are relative to it")
	configPath := flag.String("config", ".golangci.yml", "golangci-lint config")
	fixture := flag.String("fixture", "tools/lint/fixture", "the fixture tree")
	flag.Parse()
	if err := os.Chdir(*root); err != nil {
		fmt.Fprintln(os.Stderr, "rulecheck:", err)
		os.Exit(2)
	}
	problems, err := check(os.Stdin, *configPath, *fixture)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rulecheck:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "rulecheck:", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Println("rulecheck: every layering rule reports on the fixture, and none on allowed imports")
}

func check(in io.Reader, configPath, fixture string) ([]string, error) {
	rules, err := depguardRules(configPath)
	if err != nil {
		return nil, err
	}
	var rep report
	if err := json.NewDecoder(in).Decode(&rep); err != nil {
		return nil, fmt.Errorf("read the JSON report: %w", err)
	}
	absFixture, err := filepath.Abs(fixture)
	if err != nil {
		return nil, err
	}

	reported := map[string]map[string]bool{} // file (relative to the fixture) → rules
	seen := map[string]bool{}
	var problems []string
	for _, is := range rep.Issues {
		if is.FromLinter != "depguard" {
			problems = append(problems, fmt.Sprintf("%s: not a depguard report: %s", is.Pos.Filename, is.Text))
			continue
		}
		m := fromList.FindStringSubmatch(is.Text)
		if m == nil {
			problems = append(problems, fmt.Sprintf("%s: no rule named in %q", is.Pos.Filename, is.Text))
			continue
		}
		file := relative(is.Pos.Filename, fixture, absFixture)
		if reported[file] == nil {
			reported[file] = map[string]bool{}
		}
		reported[file][m[1]] = true
		seen[m[1]] = true
		if strings.HasPrefix(filepath.Base(file), "ok") {
			problems = append(problems, fmt.Sprintf("%s: an allowed import was reported: %s", file, is.Text))
		}
	}
	for _, r := range rules {
		if !seen[r] {
			problems = append(problems, fmt.Sprintf("rule %s reported nothing on the fixture: it no longer bites (or the fixture lacks a file for it)", r))
		}
	}

	err = filepath.WalkDir(fixture, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		wants, err := wanted(path)
		if err != nil {
			return err
		}
		file := relative(path, fixture, absFixture)
		for _, w := range wants {
			if !reported[file][w] {
				problems = append(problems, fmt.Sprintf("%s: wants a report from %s, got none", file, w))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Every adapter of the real tree has its rule.
	dirs, err := filepath.Glob("*/internal/adapters/*")
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, r := range rules {
		has[r] = true
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		parts := strings.Split(filepath.ToSlash(d), "/")
		name := "adapter-" + parts[0] + "-" + parts[3]
		if !has[name] {
			problems = append(problems, fmt.Sprintf("%s: no depguard rule %s in %s", d, name, configPath))
		}
	}
	return problems, nil
}

// depguardRules returns the names of the config's depguard rules, sorted.
func depguardRules(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c config
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var names []string
	for n := range c.Linters.Settings.Depguard.Rules {
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no depguard rules", path)
	}
	sort.Strings(names)
	return names, nil
}

// wanted returns the rules a fixture file says it breaks.
func wanted(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rules []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := want.FindStringSubmatch(sc.Text()); m != nil {
			rules = append(rules, m[1])
		}
	}
	return rules, sc.Err()
}

// relative names a reported file by its path inside the fixture, whether
// golangci-lint gave it absolute or relative to the repository root.
func relative(name, fixture, absFixture string) string {
	name = filepath.ToSlash(name)
	for _, prefix := range []string{filepath.ToSlash(absFixture) + "/", filepath.ToSlash(filepath.Clean(fixture)) + "/"} {
		if i := strings.Index(name, prefix); i >= 0 {
			return name[i+len(prefix):]
		}
	}
	return name
}
