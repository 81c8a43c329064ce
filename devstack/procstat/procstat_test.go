package procstat

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPUCountsFromTheLastParenthesis(t *testing.T) {
	t.Parallel()
	// A command name with spaces and a ')' of its own; utime 250 and stime 30 ticks.
	stat := "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 30 0 0 20 0 9 0 123 456 789"
	got, err := ParseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2800 * time.Millisecond; got != want {
		t.Errorf("cpu %s, want %s", got, want)
	}
	for _, bad := range []string{"", "4242 no-parens S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 4242 4242 0 -1 0 0 0 0 0 x 30"} {
		if _, err := ParseStatCPU(bad); err == nil {
			t.Errorf("ParseStatCPU(%q): want an error", bad)
		}
	}
}

func TestParseStatusMemory(t *testing.T) {
	t.Parallel()
	status := "Name:\tauth\nVmPeak:\t 900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   10240 kB\n" +
		"RssAnon:\t    4096 kB\nRssFile:\t    6144 kB\nThreads:\t9\n"
	m, err := ParseStatusMemory(strings.NewReader(status))
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 10<<20 || m.Peak != 50<<20 || m.Anon != 4<<20 || m.File != 6<<20 {
		t.Errorf("got %+v, want RSS 10 MiB (4 anon + 6 file), peak 50 MiB", m)
	}
	if _, err := ParseStatusMemory(strings.NewReader("Name:\tauth\nVmRSS:\t 1 kB\n")); err == nil {
		t.Error("status without VmHWM: want an error")
	}
}

// TestOwnProcess reads this test process: it has used some CPU and is resident.
func TestOwnProcess(t *testing.T) {
	t.Parallel()
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	} // burn a few ticks of CPU
	cpu, err := CPUTime(os.Getpid())
	if err != nil || cpu <= 0 {
		t.Errorf("CPUTime = %s, %v", cpu, err)
	}
	m, err := ReadMemory(os.Getpid())
	if err != nil || m.RSS == 0 || m.Peak < m.RSS {
		t.Errorf("ReadMemory = %+v, %v", m, err)
	}
	if err := ResetPeak(os.Getpid()); err != nil {
		t.Error(err)
	}
}
