package stack

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestLineWriterPrefixesWholeLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	con := NewConsole(&out)
	auth, pg := con.Prefixed("auth"), con.Prefixed("postgres")

	fmt.Fprint(auth, "listening on ")
	fmt.Fprint(pg, "ready\r\n")
	fmt.Fprint(auth, ":8001\nsecond line\nhalf")
	auth.Flush()
	auth.Flush() // nothing pending: no empty line

	want := "postgres | ready\n" +
		"auth   | listening on :8001\n" +
		"auth   | second line\n" +
		"auth   | half\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestLineWriterSplitsOverlongLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewConsole(&out).Prefixed("x")
	fmt.Fprint(w, strings.Repeat("a", maxLine+10))
	w.Flush()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || len(lines[0]) != len("x      | ")+maxLine || lines[1] != "x      | aaaaaaaaaa" {
		t.Errorf("got %d lines, first %d bytes", len(lines), len(lines[0]))
	}
}

// TestConsoleNeverInterleavesLines writes from many goroutines in small pieces and checks that every output
// line is one writer's complete line.
func TestConsoleNeverInterleavesLines(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	con := NewConsole(&out)
	var wg sync.WaitGroup
	for i := range 8 {
		w := con.Prefixed(fmt.Sprint("w", i))
		wg.Go(func() {
			for range 200 {
				line := fmt.Sprintf("message from w%d ends here\n", i)
				for len(line) > 0 { // in 3-byte pieces, as a pipe may deliver them
					n := min(3, len(line))
					w.Write([]byte(line[:n]))
					line = line[n:]
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("got %d lines, want %d", len(lines), 8*200)
	}
	for _, l := range lines {
		var a, b int
		if _, err := fmt.Sscanf(l, "w%d     | message from w%d ends here", &a, &b); err != nil || a != b {
			t.Fatalf("mixed line %q", l)
		}
	}
}
