package stack

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Build compiles pkgs (relative to root) with one `go build` (shared dependencies compile once) into outDir,
// each binary named after its package directory. The command and its output go to out.
func Build(ctx context.Context, root, outDir string, pkgs []string, out io.Writer) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	args := append([]string{"build", "-o", outDir + string(os.PathSeparator)}, pkgs...)
	fmt.Fprintf(out, "go %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}
