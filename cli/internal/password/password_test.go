package password_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"prana/cli/internal/password"
)

func TestRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		src       password.Source
		want      string
		wantError error
	}{
		{"flag wins", password.Source{Flag: "from-flag", Env: "from-env", Stdin: strings.NewReader("piped\n")}, "from-flag", nil},
		{"then the environment", password.Source{Env: "from-env", Stdin: strings.NewReader("piped\n")}, "from-env", nil},
		{"then the first piped line", password.Source{Stdin: strings.NewReader("piped pass\r\nsecond\n")}, "piped pass", nil},
		{"piped without newline", password.Source{Stdin: strings.NewReader("last")}, "last", nil},
		{"nothing piped", password.Source{Stdin: strings.NewReader("")}, "", password.ErrNone},
		{"empty line", password.Source{Stdin: strings.NewReader("\n")}, "", password.ErrNone},
		{"no stdin", password.Source{}, "", password.ErrNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.src.Prompt = io.Discard
			got, err := tc.src.Read(true)
			if got != tc.want || !errors.Is(err, tc.wantError) {
				t.Errorf("Read() = %q, %v; want %q, %v", got, err, tc.want, tc.wantError)
			}
		})
	}
}
