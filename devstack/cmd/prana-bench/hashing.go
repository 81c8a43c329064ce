package main

import (
	"fmt"
	"os"
	"runtime"
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

// limit is the most hashes per second the machine can do: every core busy hashing.
func (c hashCost) limit() float64 {
	return float64(runtime.NumCPU()) / c.CPU.Seconds()
}

// measureHash runs n hashes one after another and divides this process's CPU time by n. Nothing else in this
// process is busy meanwhile (the emulator it hosts is idle between figures).
func measureHash(p hashParams, n int) (hashCost, error) {
	pw, salt := []byte(benchPassword), []byte("0123456789abcdef")
	argon2.IDKey(pw, salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32) // warm the heap up
	before, err := procstat.CPUTime(os.Getpid())
	if err != nil {
		return hashCost{}, err
	}
	walls := make([]float64, n)
	for i := range n {
		start := time.Now()
		argon2.IDKey(pw, salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
		walls[i] = time.Since(start).Seconds()
	}
	after, err := procstat.CPUTime(os.Getpid())
	if err != nil {
		return hashCost{}, err
	}
	return hashCost{
		CPU:  (after - before) / time.Duration(n),
		Wall: time.Duration(spreadOf(walls).Median * float64(time.Second)),
	}, nil
}
