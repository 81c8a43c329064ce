// Package healthprobe is the health check a container runtime runs inside a
// service's image. The images are built FROM scratch, with no shell or
// curl, so the binary probes its own server: `auth healthcheck` exits 0
// when GET /readyz on the configured address answers 200, 1 otherwise.
package healthprobe

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Timeout bounds a probe: longer than the server's own readiness timeout
// (shared/health), shorter than a typical healthcheck timeout.
const Timeout = 4 * time.Second

// Path is what a probe asks for: ready, with its dependencies reachable.
const Path = "/readyz"

// Probe GETs Path from the server listening on addr, a listen address as in
// AUTH_ADDR (":8001", "0.0.0.0:8001", "127.0.0.1:8001"), and fails unless
// it answers 200 within Timeout.
func Probe(ctx context.Context, addr string) error {
	u, err := URL(addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drained so the connection closes cleanly
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", u, resp.Status)
	}
	return nil
}

// URL is the address to probe a server listening on addr at. A listener on
// every interface (no host, 0.0.0.0, ::) is reached through loopback.
func URL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return "", fmt.Errorf("healthcheck: listen address %q has no port to probe", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + Path, nil
}
