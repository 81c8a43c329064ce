// Package procstat reads a process's CPU time and memory from Linux's /proc, for benchmarks that charge server
// work to requests: CPU per request is the difference of two CPUTime readings divided by the requests between.
package procstat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat. Linux reports them in USER_HZ, which is 100 on
// every architecture Go supports (the kernel converts from its internal HZ), so no sysconf call is needed.
const clockTick = 10 * time.Millisecond

// CPUTime is the user plus system CPU time pid has used so far (its threads included, its children not).
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	return ParseStatCPU(string(b))
}

// ParseStatCPU extracts utime+stime from the text of /proc/<pid>/stat. The second field, the command name in
// parentheses, may itself hold spaces and parentheses, so fields are counted from the last ')'.
func ParseStatCPU(stat string) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, errors.New("cpu time: no command name in stat")
	}
	// After ") ": state(3) ppid(4) … utime(14) stime(15); so utime is the 12th field from here.
	f := strings.Fields(stat[end+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("cpu time: stat has %d fields after the name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// Memory is a process's resident memory, in bytes.
type Memory struct {
	RSS  uint64 // resident now (VmRSS)
	Peak uint64 // the most ever resident (VmHWM), since start or the last ResetPeak
	// Anon and File split RSS into the process's own memory and the pages
	// of files it maps, its program among them (RssAnon, RssFile; zero on
	// kernels that do not report them).
	Anon, File uint64
}

// ReadMemory reads pid's resident memory from /proc/<pid>/status.
func ReadMemory(pid int) (Memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, fmt.Errorf("memory: %w", err)
	}
	defer f.Close()
	return ParseStatusMemory(f)
}

// ParseStatusMemory extracts VmRSS and VmHWM from the text of /proc/<pid>/status ("VmRSS:  1234 kB").
func ParseStatusMemory(r io.Reader) (Memory, error) {
	var m Memory
	var found int
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM" && key != "RssAnon" && key != "RssFile") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return Memory{}, fmt.Errorf("memory: unexpected %s line %q", key, sc.Text())
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("memory: %s: %w", key, err)
		}
		switch key {
		case "VmRSS":
			m.RSS = kb << 10
			found++
		case "VmHWM":
			m.Peak = kb << 10
			found++
		case "RssAnon":
			m.Anon = kb << 10
		case "RssFile":
			m.File = kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		return Memory{}, fmt.Errorf("memory: %w", err)
	}
	if found != 2 {
		return Memory{}, errors.New("memory: status lacks VmRSS or VmHWM")
	}
	return m, nil
}

// ResetPeak sets pid's VmHWM back to its current resident size (Linux: "5" written to clear_refs), so that the
// next ReadMemory reports the peak of what happened in between.
func ResetPeak(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("reset peak memory: %w", err)
	}
	return nil
}
