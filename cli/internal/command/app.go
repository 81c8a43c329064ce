// Package command is the prana command line: it parses the arguments, calls
// the services through the generated clients (prana/auth/authclient,
// prana/pdf/pdfclient) and prints the result, as text or as one JSON object.
package command

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"time"

	"prana/cli/internal/failure"
	"prana/cli/internal/password"
	"prana/cli/internal/tokenstore"
)

// Env is everything a run may touch, given by main so tests can give their own.
type Env struct {
	Getenv    func(string) string
	ConfigDir string // os.UserConfigDir(); the token lives under it
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	HTTP      *http.Client // nil: one with requestTimeout
	Now       func() time.Time
}

// requestTimeout bounds each request, so a stalled server cannot hang a script.
const requestTimeout = 30 * time.Second

// app is one run: its environment and the global flags.
type app struct {
	Env
	g      globals
	tokens tokenstore.Store
	tok    tokenstore.Token // the login the requests carry (storedLogin, refresh)
	in     *password.Input  // standard input, read answer after answer
	args   []string         // a command's positional arguments (help only)
}

// Run runs the command line args (without the program name) and returns the
// process exit code. Errors are printed to env.Stderr.
func Run(ctx context.Context, env Env, args []string) int {
	a := newApp(env)
	name, err := a.dispatch(ctx, args)
	if errors.Is(err, flag.ErrHelp) {
		return failure.OK
	}
	failure.Print(a.Stderr, name, err)
	return failure.Code(err)
}

func newApp(env Env) *app {
	if env.HTTP == nil {
		env.HTTP = &http.Client{Timeout: requestTimeout}
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	return &app{Env: env, g: defaultGlobals(env.Getenv), tokens: tokenstore.New(env.ConfigDir),
		in: password.NewInput(env.Stdin, env.Stderr)}
}

// dispatch parses the global flags, then runs the named command. It returns
// the command's full name for messages.
func (a *app) dispatch(ctx context.Context, args []string) (string, error) {
	fs := a.flagSet("", nil)
	if err := fs.Parse(args); err != nil {
		return "", reported(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		a.printUsage(a.Stderr)
		return "", &failure.Reported{Err: failure.Usagef("no command")}
	}
	cmd, args, err := find(rest)
	if err != nil {
		return "", err
	}
	return cmd.name, cmd.exec(ctx, a, args)
}

// printJSON writes v as one line of JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// reported turns a flag parse error (already printed by the flag package)
// into a usage error; -h stays flag.ErrHelp, a success.
func reported(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &failure.Reported{Err: &failure.UsageError{Msg: err.Error()}}
}
