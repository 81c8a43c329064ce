// Package password gets a password for signup and login without showing it:
// from a flag, from PRANA_PASSWORD, or from standard input — typed at a
// terminal with echo off, or piped in (its first line).
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
	switch {
	case s.Flag != "":
		return s.Flag, nil
	case s.Env != "":
		return s.Env, nil
	}
	if f, ok := s.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return s.prompt(int(f.Fd()), confirm)
	}
	if s.Stdin == nil {
		return "", ErrNone
	}
	line, err := bufio.NewReader(s.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return "", ErrNone
	}
	return line, nil
}

func (s Source) prompt(fd int, confirm bool) (string, error) {
	pw, err := s.ask(fd, "Password: ")
	if err != nil || !confirm {
		return pw, err
	}
	again, err := s.ask(fd, "Password (again): ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", ErrMismatch
	}
	return pw, nil
}

func (s Source) ask(fd int, prompt string) (string, error) {
	fmt.Fprint(s.Prompt, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(s.Prompt) // the user's Enter was not echoed either
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if len(b) == 0 {
		return "", ErrNone
	}
	return string(b), nil
}
