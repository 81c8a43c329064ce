package command

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"prana/cli/internal/failure"
)

// command is one thing prana does.
type command struct {
	name    string // as typed: "me", "pdf download"
	flags   string // the synopsis of its own flags
	summary string
	details string // more help, shown by `prana help NAME`
	// setup declares the command's flags on fs and returns the function
	// that runs it with their parsed values.
	setup func(fs *flag.FlagSet) func(ctx context.Context, a *app) error
}

// commands is filled in init: help refers back to it.
var commands []*command

func init() {
	commands = []*command{signupCmd, loginCmd, logoutCmd, meCmd, passwordCmd, accountDeleteCmd,
		downloadCmd, uploadCmd, helpCmd}
}

// flagSet is c's flags (global ones included) and its runner.
func (c *command) flagSet(a *app) (*flag.FlagSet, func(context.Context, *app) error) {
	fs := a.flagSet(c.name, c)
	return fs, c.setup(fs)
}

// exec parses args and runs c; commands other than help take no arguments
// besides flags.
func (c *command) exec(ctx context.Context, a *app, args []string) error {
	fs, run := c.flagSet(a)
	if err := fs.Parse(args); err != nil {
		return reported(err)
	}
	if c == helpCmd {
		a.args = fs.Args()
		return run(ctx, a)
	}
	if fs.NArg() > 0 {
		return failure.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := a.g.check(); err != nil {
		return err
	}
	return run(ctx, a)
}

// find picks the command named by the first one or two words of args.
func find(args []string) (*command, []string, error) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], nil
		}
	}
	if args[0] == "pdf" && len(args) == 1 {
		return nil, nil, failure.Usagef("pdf needs a command: download or upload")
	}
	if args[0] == "account" && len(args) == 1 {
		return nil, nil, failure.Usagef("account needs a command: delete")
	}
	return nil, nil, failure.Usagef("unknown command %q", strings.Join(args, " "))
}

const exitCodes = `Exit codes:
  0  done
  1  usage: bad flags or arguments, input the server refused (400, 404, 409, 413, 415, 422),
     a file that cannot be written
  2  authentication: not logged in, session ended or expired (log in again), wrong email or
     password (401, 403)
  3  server or network: 5xx, 429 (rate limited), no answer, timeout, a failed upload job
`

func (a *app) printUsage(w io.Writer) {
	fmt.Fprint(w, `prana talks to the Prana auth and pdf services.

Usage: prana [global flags] COMMAND [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Global flags (also accepted after the command):
  --auth-url URL  auth service (env PRANA_AUTH_URL, default %s)
  --pdf-url URL   pdf service (env PRANA_PDF_URL, default %s)
  --json          print one JSON object on stdout instead of text

Run "prana help COMMAND" or "prana COMMAND -h" for a command's flags.
Server errors are shown on stderr: title, detail, each invalid field, request id.

%s`, defaultAuthURL, defaultPDFURL, exitCodes)
}

func (a *app) printCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("prana "+c.name+" "+c.flags), c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s", c.details)
	}
	var own []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if !globalFlags[f.Name] {
			own = append(own, f)
		}
	})
	if len(own) > 0 {
		fmt.Fprintln(w, "\nFlags:")
	}
	for _, f := range own {
		arg, usage := flag.UnquoteUsage(f)
		if f.DefValue != "" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  --%-26s %s\n", strings.TrimSpace(f.Name+" "+arg), usage)
	}
	fmt.Fprintln(w, "\nGlobal flags: --auth-url URL, --pdf-url URL, --json (see prana help).")
}

var helpCmd = &command{
	name:    "help",
	flags:   "[COMMAND]",
	summary: "Show help for prana or for one command.",
	setup: func(*flag.FlagSet) func(context.Context, *app) error {
		return func(_ context.Context, a *app) error {
			if len(a.args) == 0 {
				a.printUsage(a.Stdout)
				return nil
			}
			c, _, err := find(a.args)
			if err != nil {
				return err
			}
			fs, _ := c.flagSet(a)
			fs.SetOutput(a.Stdout)
			fs.Usage()
			return nil
		}
	},
}
