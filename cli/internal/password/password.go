// Package password gets passwords (and other answers) from the person at the
// keyboard without showing them: from a flag (signup and login only), from an
// environment variable, or from standard input — typed at a terminal with echo
// off, or piped in, one line per answer.
package password

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// Source says where a password may come from, in order of preference.
type Source struct {
	Flag   string    // --password
	Env    string    // PRANA_PASSWORD
	Stdin  io.Reader // piped text, or a terminal to prompt on
	Prompt io.Writer // where a terminal prompt goes (stderr, never stdout)
}

// ErrMismatch is two different entries at the confirmation prompt.
var ErrMismatch = errors.New("the passwords do not match")

// ErrNone is no password anywhere.
var ErrNone = errors.New("no password: give --password, set PRANA_PASSWORD, or type or pipe it on standard input")

// Read returns the password. At a terminal, confirm asks for it twice, so
// that a typo does not become the account's password.
func (s Source) Read(confirm bool) (string, error) {
	if s.Flag != "" {
		return s.Flag, nil
	}
	return NewInput(s.Stdin, s.Prompt).Password(s.Env, "Password: ", confirm)
}

// Input is one run's standard input, read answer after answer: a command
// that needs two passwords (or a confirmation, then a password) gets them
// from one pipe, a line each, or from one terminal, a prompt each.
type Input struct {
	prompt io.Writer
	tty    terminal      // nil when stdin is not a terminal
	lines  *bufio.Reader // nil when there is no stdin
}

// terminal reads what is typed without echoing it.
type terminal interface {
	ReadPassword() ([]byte, error)
}

type fdTerminal int

func (fd fdTerminal) ReadPassword() ([]byte, error) { return term.ReadPassword(int(fd)) }

// NewInput reads from stdin (nil: nothing to read), prompting on prompt
// when stdin is a terminal.
func NewInput(stdin io.Reader, prompt io.Writer) *Input {
	in := &Input{prompt: prompt}
	if prompt == nil {
		in.prompt = io.Discard
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		in.tty = fdTerminal(f.Fd())
	}
	if stdin != nil {
		// At a terminal in its usual line mode each read returns one line,
		// so this buffer never swallows what is typed after it.
		in.lines = bufio.NewReader(stdin)
	}
	return in
}

// Interactive reports whether a person is typing: stdin is a terminal.
func (in *Input) Interactive() bool { return in.tty != nil }

// Password is env when set; else the next answer: typed at the terminal
// after prompt, without echo (twice when confirm), or the next piped line.
func (in *Input) Password(env, prompt string, confirm bool) (string, error) {
	if env != "" {
		return env, nil
	}
	if in.tty == nil {
		line, err := in.line()
		if err == nil && line == "" {
			err = ErrNone
		}
		return line, err
	}
	pw, err := in.ask(prompt)
	if err != nil || !confirm {
		return pw, err
	}
	again, err := in.ask(strings.TrimSuffix(prompt, ": ") + " (again): ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", ErrMismatch
	}
	return pw, nil
}

// Line is the next answer, shown as it is typed: after prompt at a
// terminal, else the next piped line. An empty answer is "".
func (in *Input) Line(prompt string) (string, error) {
	if in.tty != nil {
		fmt.Fprint(in.prompt, prompt)
	}
	return in.line()
}

func (in *Input) line() (string, error) {
	if in.lines == nil {
		return "", ErrNone
	}
	line, err := in.lines.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (in *Input) ask(prompt string) (string, error) {
	fmt.Fprint(in.prompt, prompt)
	b, err := in.tty.ReadPassword()
	fmt.Fprintln(in.prompt) // the user's Enter was not echoed either
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if len(b) == 0 {
		return "", ErrNone
	}
	return string(b), nil
}
