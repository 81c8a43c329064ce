package e2e

// Checks of the Dockerfiles and the build context, without Docker: the
// build machines have none.

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	devstack "prana/devstack/stack"
)

// dockerStage is one `FROM image AS name` stage and the instructions in it.
type dockerStage struct {
	Image, Name string
	Lines       []string // instructions after FROM, continuation lines joined
}

// parseDockerfile splits a Dockerfile into its stages.
func parseDockerfile(text string) []dockerStage {
	text = strings.ReplaceAll(text, "\\\n", " ")
	from := regexp.MustCompile(`(?i)^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$`)
	var stages []dockerStage
	for l := range strings.Lines(text) {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if m := from.FindStringSubmatch(l); m != nil {
			stages = append(stages, dockerStage{Image: m[1], Name: m[2]})
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].Lines = append(stages[len(stages)-1].Lines, l)
		}
	}
	return stages
}

// instr returns the arguments of each instruction named op in the stage.
func (s dockerStage) instr(op string) []string {
	var out []string
	for _, l := range s.Lines {
		if name, args, _ := strings.Cut(l, " "); strings.EqualFold(name, op) {
			out = append(out, strings.TrimSpace(args))
		}
	}
	return out
}

// env returns the value the stage's ENV instructions give name.
func (s dockerStage) env(name string) string {
	kv := regexp.MustCompile(`(\w+)=(\S+)`)
	val := ""
	for _, args := range s.instr("ENV") {
		for _, m := range kv.FindAllStringSubmatch(args, -1) {
			if m[1] == name {
				val = m[2]
			}
		}
	}
	return val
}

// entrypoint is the exec-form ENTRYPOINT's program, "" if none.
func (s dockerStage) entrypoint() string {
	eps := s.instr("ENTRYPOINT")
	if len(eps) == 0 {
		return ""
	}
	m := regexp.MustCompile(`^\[\s*"([^"]+)"`).FindStringSubmatch(eps[len(eps)-1])
	if m == nil {
		return ""
	}
	return m[1]
}

// dockerIgnored reports whether .dockerignore keeps rel (a slash path
// relative to the context) out of the build context. Last match wins; a
// pattern matches a path or any of its parents; "**/" matches at any depth.
func dockerIgnored(patterns []string, rel string) bool {
	ignored := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if matchesPathOrParent(p, rel) {
			ignored = !neg
		}
	}
	return ignored
}

func matchesPathOrParent(pattern, rel string) bool {
	segs := strings.Split(rel, "/")
	for n := len(segs); n > 0; n-- {
		candidate := strings.Join(segs[:n], "/")
		if ok, _ := path.Match(pattern, candidate); ok {
			return true
		}
		if tail, ok := strings.CutPrefix(pattern, "**/"); ok {
			for i := range n {
				if ok, _ := path.Match(tail, strings.Join(segs[i:n], "/")); ok {
					return true
				}
			}
		}
	}
	return false
}

func readDockerignore(t *testing.T) []string {
	t.Helper()
	var out []string
	for l := range strings.Lines(string(readRepoFile(t, ".dockerignore"))) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func TestDockerignore(t *testing.T) {
	t.Parallel()
	patterns := readDockerignore(t)
	for _, p := range []string{".env", ".git/config", ".data/auth/jwt-ed25519.pem", "auth/.env", "bin/auth"} {
		if !dockerIgnored(patterns, p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
	if dockerIgnored(patterns, "auth/go.mod") || !dockerIgnored([]string{"*", "!auth", "**/.env"}, "auth/x/.env") {
		t.Error("the .dockerignore matcher of this test is wrong")
	}
}

// TestServiceModulesBuildAlone: the images build each module with
// GOWORK=off, from its own go.mod and go.sum. A dependency added in
// workspace mode only (go.work.sum) would break `docker build` and nothing
// else; this catches it.
func TestServiceModulesBuildAlone(t *testing.T) {
	t.Parallel()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range []string{"auth", "pdf"} {
		t.Run(mod, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "list", "-deps", "./cmd/...")
			cmd.Dir = filepath.Join(root, mod)
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOWORK=off go list in %s: %v\n%s\nfix: cd %s && GOWORK=off go mod tidy", mod, err, lastLines(string(out), 10), mod)
			}
		})
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// checkImage checks the final stage of a service's image: built FROM
// scratch, statically, running as a numeric non-root user, with CA
// certificates, and everything it copies from the context in the context.
func checkImage(t *testing.T, dockerfile string, st dockerStage, all []dockerStage) {
	t.Helper()
	if st.Image != "scratch" {
		t.Errorf("%s: stage %s is FROM %s, want scratch", dockerfile, st.Name, st.Image)
	}
	users := st.instr("USER")
	if len(users) == 0 || !regexp.MustCompile(`^[1-9][0-9]*:[1-9][0-9]*$`).MatchString(users[len(users)-1]) {
		t.Errorf("%s: stage %s runs as USER %q, want a numeric non-root uid:gid", dockerfile, st.Name, users)
	}
	if ep := st.entrypoint(); !strings.HasPrefix(ep, "/") {
		t.Errorf("%s: stage %s has ENTRYPOINT %q, want the exec form with an absolute path (scratch has no shell or PATH lookup)",
			dockerfile, st.Name, ep)
	}
	if !strings.Contains(strings.Join(st.instr("COPY"), "\n"), "ca-certificates.crt") {
		t.Errorf("%s: stage %s has no CA certificates: https to AWS would fail", dockerfile, st.Name)
	}
	text := string(readRepoFile(t, dockerfile))
	for _, want := range []string{"CGO_ENABLED=0", "GOWORK=off", "-trimpath"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: no %s in the build", dockerfile, want)
		}
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ignore := readDockerignore(t)
	for _, s := range all {
		for _, args := range s.instr("COPY") {
			if strings.Contains(args, "--from=") {
				continue
			}
			fields := strings.Fields(args)
			for _, src := range fields[:len(fields)-1] {
				if strings.HasPrefix(src, "--") {
					continue
				}
				src = strings.TrimSuffix(src, "/")
				if _, err := os.Stat(filepath.Join(root, src)); err != nil {
					t.Errorf("%s: COPY %s: not in the repository", dockerfile, src)
				} else if dockerIgnored(ignore, src) {
					t.Errorf("%s: COPY %s: .dockerignore keeps it out of the build context", dockerfile, src)
				}
			}
		}
	}
}

// TestDockerfilesTakeTheGoImageAsABuildArg: each build stage is FROM the
// build argument GO_IMAGE, whose default is the official Go image named
// without a registry host (the container test passes an image made here);
// the images that render PDFs carry the fonts of pdf/fonts.txt where the
// renderer looks for them.
func TestDockerfilesTakeTheGoImageAsABuildArg(t *testing.T) {
	t.Parallel()
	arg := regexp.MustCompile(`(?m)^ARG GO_IMAGE=(\S+)$`)
	for _, df := range []string{"auth/Dockerfile", "pdf/Dockerfile", "pdf/worker.Dockerfile"} {
		text := string(readRepoFile(t, df))
		m := arg.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%s: no `ARG GO_IMAGE=<default>` before its stages", df)
			continue
		}
		if !strings.HasPrefix(m[1], "golang:1.26") || strings.Contains(strings.SplitN(m[1], ":", 2)[0], "/") {
			t.Errorf("%s: GO_IMAGE defaults to %q, want the official golang:1.26 image, no registry host", df, m[1])
		}
		stages := parseDockerfile(text)
		if len(stages) == 0 || stages[0].Image != "${GO_IMAGE}" {
			t.Errorf("%s: the build stage is not FROM ${GO_IMAGE}", df)
		}
		if df == "auth/Dockerfile" {
			continue
		}
		final := stages[len(stages)-1]
		if !slices.ContainsFunc(final.instr("COPY"), func(a string) bool { return strings.HasSuffix(a, " /usr/share/fonts/prana") }) {
			t.Errorf("%s: the final stage copies no fonts to /usr/share/fonts/prana", df)
		}
		if !strings.Contains(text, "pdf/fonts.txt") {
			t.Errorf("%s: the fonts do not come from pdf/fonts.txt", df)
		}
	}
}
