package pgcluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// serverUser is the account the server binaries run as when this process is root: initdb, pg_ctl and postgres
// all refuse to run as root, and Debian's postgresql package creates this user.
const serverUser = "postgres"

// run runs one of the server binaries in dir and returns its combined output. As root it goes through
// `runuser -u postgres --`. The working directory is the data directory because the postgres user may not be
// allowed into this process's working directory (e.g. somewhere under /root), and initdb complains if so.
func (c *Cluster) run(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	binDir := c.BinDir
	if binDir == "" {
		var err error
		if binDir, err = Find(); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(binDir, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", serverUser, "--", bin}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, bin, args...)
	}
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// prepareDir makes dir usable by the postgres user when this process is root: it owns dir, and it can reach dir.
// The second part matters because the path may pass through directories only root can enter (/root is 0700, and
// so is every directory os.MkdirTemp and t.TempDir create). For each such ancestor, prepareDir adds the search
// (execute) bit for others, and nothing else: other users may then pass through it to a path they know, but
// still not list it. Callers that want no such change pick a Dir under a world-searchable directory such as /tmp.
func (c *Cluster) prepareDir(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return fmt.Errorf("running as root, and PostgreSQL refuses to run as root, so it runs as user %q, "+
			"which does not exist (%w): create it (useradd --system --user-group --no-create-home postgres; "+
			"`apt-get install postgresql` does) or run as a normal user", serverUser, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("uid of %s: %w", serverUser, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("gid of %s: %w", serverUser, err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to %s: %w", dir, serverUser, err)
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("check access to %s: %w", d, err)
		}
		// Checking owner and group too would need syscall.Stat_t (Unix only); adding o+x where it is missing
		// is enough and harmless when the postgres user could already pass.
		if perm := fi.Mode().Perm(); perm&0o001 == 0 {
			if err := os.Chmod(d, perm|0o001); err != nil {
				return fmt.Errorf("let %s reach %s: %w", serverUser, dir, err)
			}
			if c.Logger != nil {
				c.Logger.Info("added search permission for others so the postgres user can reach the cluster",
					"dir", d, "was", perm.String(), "now", (perm | 0o001).String())
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// maxSocketPath is the longest Unix socket path the kernel takes (sun_path is 108 bytes with its NUL).
const maxSocketPath = 107

// socketDir returns the directory for the server's Unix socket: the data directory, unless the socket path
// would be too long for the kernel (a deeply nested checkout), in which case "" turns Unix sockets off. Clients
// here use TCP, and pg_ctl -w watches postmaster.pid rather than connecting, so nothing needs the socket.
func socketDir(dataDir string, port int) string {
	if len(filepath.Join(dataDir, ".s.PGSQL."+strconv.Itoa(port))) > maxSocketPath {
		return ""
	}
	return dataDir
}

// shellQuote quotes s for /bin/sh: pg_ctl hands its -o options to the shell that starts the server, so a data
// directory with spaces or quotes in its path would otherwise break the command.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readFrom returns the content of path from byte offset on; nil if it cannot be read.
func readFrom(path string, offset int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil
	}
	b, _ := io.ReadAll(f) // best effort: this only decorates an error message
	return b
}

// lastLines returns the last n lines of b, for error messages.
func lastLines(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
