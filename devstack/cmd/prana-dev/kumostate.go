package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Persistence. kumo keeps its state across restarts in KUMO_DATA_DIR, and its library honours that too (checked
// in v0.33.1: internal/service/{s3,sqs}/service.go), but each service reads the variable in its package init
// function, before main runs. Setting it from main or from .env is too late for this process, so prana-dev
// re-executes itself once with the variable set. kumo then writes changes in the background (debounced by
// KUMO_PERSIST_FLUSH_INTERVAL_MS, default 1000) and S3 object bodies as they arrive; the library's Close does not
// write a final snapshot, so shutdown waits one flush interval instead.

// kumoFlushInterval is the snapshot interval prana-dev asks kumo for.
const kumoFlushInterval = 200 * time.Millisecond

// reexecWithKumoDataDir replaces this process with a fresh copy of itself whose environment has KUMO_DATA_DIR=dir.
// It returns only on failure. Same pid, same terminal: `go run` and Ctrl-C are unaffected.
func reexecWithKumoDataDir(dir string) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("re-exec for KUMO_DATA_DIR: %w", err)
	}
	env := append(os.Environ(), "KUMO_DATA_DIR="+dir)
	if _, set := os.LookupEnv("KUMO_PERSIST_FLUSH_INTERVAL_MS"); !set {
		env = append(env, "KUMO_PERSIST_FLUSH_INTERVAL_MS="+strconv.Itoa(int(kumoFlushInterval.Milliseconds())))
	}
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("re-exec for KUMO_DATA_DIR: %w", err)
	}
	return nil
}

// waitForKumoFlush waits long enough for kumo's background writer to save the last changes.
func waitForKumoFlush() {
	interval := time.Second
	if ms, err := strconv.Atoi(os.Getenv("KUMO_PERSIST_FLUSH_INTERVAL_MS")); err == nil && ms > 0 {
		interval = time.Duration(ms) * time.Millisecond
	}
	time.Sleep(interval + 100*time.Millisecond)
}
