package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// serveFloor is `prana-bench floor FILE ADDR CONTENT-TYPE`: the least any server can do for a download, a bare
// net/http handler writing the same bytes with the same headers, until SIGTERM.
func serveFloor(args []string) error {
	if len(args) != 3 {
		return errors.New("usage: prana-bench floor FILE ADDR CONTENT-TYPE")
	}
	body, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	length := strconv.Itoa(len(body))
	srv := &http.Server{Addr: args[1], ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(
		func(w http.ResponseWriter, _ *http.Request) {
			h := w.Header()
			h.Set("Content-Type", args[2])
			h.Set("Content-Length", length)
			h.Set("Content-Disposition", `attachment; filename="profile.pdf"`)
			_, _ = w.Write(body)
		})}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
