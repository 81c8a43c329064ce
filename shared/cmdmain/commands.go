package cmdmain

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"prana/shared/healthprobe"
)

// Command is one subcommand of a binary: `auth migrate`, `pdf healthcheck`.
// Run gets the arguments after the command's name.
type Command[C any] struct {
	Name string
	Run  func(ctx context.Context, cfg C, log *slog.Logger, args []string) error
}

// Dispatch returns the run function for Run that starts the command named
// by args[0] (os.Args[1:] in a binary). The first command is the default,
// run when args is empty. An unknown name is an error that lists the names.
func Dispatch[C any](args []string, cmds ...Command[C]) func(context.Context, C, *slog.Logger) error {
	return func(ctx context.Context, cfg C, log *slog.Logger) error {
		if len(args) == 0 {
			return cmds[0].Run(ctx, cfg, log, nil)
		}
		for _, c := range cmds {
			if c.Name == args[0] {
				return c.Run(ctx, cfg, log, args[1:])
			}
		}
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = c.Name
		}
		return fmt.Errorf("unknown command %q (use %s)", args[0], strings.Join(names, ", "))
	}
}

// HealthCheck is the `healthcheck` command of an image with no shell or
// curl: it exits 0 when the running binary, listening on addr(cfg), answers
// ready.
func HealthCheck[C any](addr func(C) string) Command[C] {
	return Command[C]{Name: "healthcheck", Run: func(ctx context.Context, cfg C, _ *slog.Logger, _ []string) error {
		return healthprobe.Probe(ctx, addr(cfg))
	}}
}
