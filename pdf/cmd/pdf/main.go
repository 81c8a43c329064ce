// Command pdf runs the pdf service's HTTP API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"prana/pdf/internal/config"
	"prana/shared/envfile"
	"prana/shared/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := envfile.Load(".env"); err != nil {
		fmt.Fprintln(os.Stderr, "pdf:", err)
		os.Exit(2)
	}
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pdf: bad configuration:\n", err)
		os.Exit(2)
	}
	log := logging.New(os.Stderr, cfg.LogLevel, "pdf")
	if err := run(ctx, cfg, log, nil); err != nil {
		log.Error("pdf stopped", "err", err)
		os.Exit(1)
	}
}
