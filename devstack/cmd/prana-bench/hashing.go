package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"prana/devstack/procstat"
)

// hashParams are argon2id costs as auth's ARGON2_* settings take them.
type hashParams struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// env is the auth settings for p.
func (p hashParams) env() []string {
	return []string{
		fmt.Sprintf("ARGON2_MEMORY_KIB=%d", p.MemoryKiB),
		fmt.Sprintf("ARGON2_ITERATIONS=%d", p.Iterations),
		fmt.Sprintf("ARGON2_PARALLELISM=%d", p.Parallelism),
	}
}

func (p hashParams) String() string {
	return fmt.Sprintf("m=%d MiB, t=%d, p=%d", p.MemoryKiB/1024, p.Iterations, p.Parallelism)
}

// Auth's defaults (auth/internal/config) and the seed's passlib parameters.
var (
	defaultHash = hashParams{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}
	seedHash    = hashParams{MemoryKiB: 100 * 1024, Iterations: 2, Parallelism: 8}
)

// hashCost is what one hash costs on this machine, measured in this process with the same library auth uses.
type hashCost struct {
	CPU  time.Duration // CPU time per hash, all lanes and garbage collection included
	Wall time.Duration // median time for one hash alone
}

// atMost lowers the CPU time per hash to auth's own CPU time per request when that is less. A separate process
// hashing in a loop pays for memory the Go runtime returns to the kernel and faults in again between hashes;
// auth under load reuses its heap. Auth's time per request includes all its other work too, so the lesser of
// the two is still at least the cost of a hash: the limit derived from it is never flattering.
func (c hashCost) atMost(use cpuUse) hashCost {
	if perReq := time.Duration(use.PerRequest.Median * float64(time.Second)); perReq > 0 && perReq < c.CPU {
		c.CPU = perReq
	}
	return c
}

// limit is the most hashes per second the machine can do: every core busy hashing.
func (c hashCost) limit() float64 {
	return float64(runtime.NumCPU()) / c.CPU.Seconds()
}

// measureHash runs `prana-bench hashcost` in a process of its own (this one hosts the emulator, whose work would
// be counted too) and returns what it measured.
func measureHash(ctx context.Context, p hashParams, n int) (hashCost, error) {
	self, err := os.Executable()
	if err != nil {
		return hashCost{}, err
	}
	out, err := exec.CommandContext(ctx, self, "hashcost", strconv.Itoa(int(p.MemoryKiB)), strconv.Itoa(int(p.Iterations)),
		strconv.Itoa(int(p.Parallelism)), strconv.Itoa(n)).Output()
	if err != nil {
		return hashCost{}, fmt.Errorf("hashcost: %w", err)
	}
	return parseHashCost(string(out))
}

// parseHashCost reads hashcost's output: CPU time per hash and wall time of one, as Go durations.
func parseHashCost(out string) (hashCost, error) {
	f := strings.Fields(out)
	if len(f) != 2 {
		return hashCost{}, fmt.Errorf("hashcost output %q: want two durations", out)
	}
	cpu, err1 := time.ParseDuration(f[0])
	wall, err2 := time.ParseDuration(f[1])
	if err := errors.Join(err1, err2); err != nil || cpu <= 0 {
		return hashCost{}, fmt.Errorf("hashcost output %q: %v", out, err)
	}
	return hashCost{CPU: cpu, Wall: wall}, nil
}

// hashCostMain is `prana-bench hashcost MEMORY_KIB ITERATIONS PARALLELISM N`: it runs N hashes one after another
// and prints the CPU time per hash (this process's, all lanes and garbage collection included) and the median
// wall time of one, e.g. "34ms 29ms".
func hashCostMain(args []string) error {
	if len(args) != 4 {
		return errors.New("usage: prana-bench hashcost MEMORY_KIB ITERATIONS PARALLELISM N")
	}
	var v [4]int
	for i, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			return fmt.Errorf("hashcost: %q is not a positive number", a)
		}
		v[i] = n
	}
	m, t, p, n := uint32(v[0]), uint32(v[1]), uint8(v[2]), v[3]
	pw, salt := []byte(benchPassword), []byte("0123456789abcdef")
	argon2.IDKey(pw, salt, t, m, p, 32) // warm the heap up
	before, err := procstat.CPUTime(os.Getpid())
	if err != nil {
		return err
	}
	walls := make([]float64, n)
	for i := range n {
		start := time.Now()
		argon2.IDKey(pw, salt, t, m, p, 32)
		walls[i] = time.Since(start).Seconds()
	}
	after, err := procstat.CPUTime(os.Getpid())
	if err != nil {
		return err
	}
	fmt.Println((after-before)/time.Duration(n), time.Duration(spreadOf(walls).Median*float64(time.Second)))
	return nil
}
