// Command prana is the command line for the Prana auth and pdf services:
// signup, login (refreshed by itself), logout, me, password, account delete,
// pdf download and pdf upload. `prana help` lists them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"prana/cli/internal/command"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The token lives under the user's config folder; without one (no HOME),
	// the current folder keeps it rather than failing every command.
	configDir, err := os.UserConfigDir()
	if err != nil {
		configDir = "."
	}
	code := command.Run(ctx, command.Env{
		Getenv: os.Getenv, ConfigDir: configDir,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
	}, os.Args[1:])
	stop()
	os.Exit(code)
}
