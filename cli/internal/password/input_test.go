package password

import (
	"errors"
	"strings"
	"testing"
)

// fakeTerminal types the given entries, one per ReadPassword.
type fakeTerminal struct{ typed []string }

func (f *fakeTerminal) ReadPassword() ([]byte, error) {
	if len(f.typed) == 0 {
		return nil, errors.New("EOF")
	}
	s := f.typed[0]
	f.typed = f.typed[1:]
	return []byte(s), nil
}

func TestInputPipedAnswersComeALineEach(t *testing.T) {
	t.Parallel()
	in := NewInput(strings.NewReader("current\r\nnew one\nyes\n"), nil)
	if in.Interactive() {
		t.Error("a pipe counts as a terminal")
	}
	for _, want := range []string{"current", "new one"} {
		if got, err := in.Password("", "Password: ", true); got != want || err != nil {
			t.Errorf("Password() = %q, %v; want %q", got, err, want)
		}
	}
	if got, err := in.Line("Go on? "); got != "yes" || err != nil {
		t.Errorf("Line() = %q, %v", got, err)
	}
	if _, err := in.Password("", "Password: ", false); !errors.Is(err, ErrNone) {
		t.Errorf("Password() after the last line: %v, want ErrNone", err)
	}
	if got, _ := in.Password("from env", "Password: ", false); got != "from env" {
		t.Errorf("the environment variable lost to the pipe: %q", got)
	}
	if _, err := NewInput(nil, nil).Line("?"); !errors.Is(err, ErrNone) {
		t.Errorf("Line() without stdin: %v", err)
	}
}

func TestInputAtATerminal(t *testing.T) {
	t.Parallel()
	var prompts strings.Builder
	in := NewInput(strings.NewReader("yes\n"), &prompts)
	in.tty = &fakeTerminal{typed: []string{"current", "new one", "new one", "a", "b"}}
	if !in.Interactive() {
		t.Fatal("not interactive")
	}
	if got, err := in.Line("Delete? "); got != "yes" || err != nil {
		t.Errorf("Line() = %q, %v", got, err)
	}
	if got, err := in.Password("", "Current password: ", false); got != "current" || err != nil {
		t.Errorf("Password() = %q, %v", got, err)
	}
	if got, err := in.Password("", "New password: ", true); got != "new one" || err != nil {
		t.Errorf("Password(confirm) = %q, %v", got, err)
	}
	if _, err := in.Password("", "New password: ", true); !errors.Is(err, ErrMismatch) {
		t.Errorf("two different entries: %v, want ErrMismatch", err)
	}
	want := "Delete? Current password: \nNew password: \nNew password (again): \nNew password: \nNew password (again): \n"
	if prompts.String() != want {
		t.Errorf("prompts %q, want %q", prompts.String(), want)
	}
	for _, secret := range []string{"current", "new one"} {
		if strings.Contains(prompts.String(), secret) {
			t.Errorf("the prompt output shows %q", secret)
		}
	}
}
