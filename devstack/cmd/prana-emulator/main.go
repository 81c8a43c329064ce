// Command prana-emulator serves the kumo S3+SQS emulator on its own, as LocalStack would: on EMULATOR_ADDR
// (default :4566), with LocalStack's health path /_localstack/health. It is the LocalStack stand-in of the
// container tests (no registry here to pull LocalStack from); `prana-emulator healthcheck` probes a running one,
// for an image without a shell. Called as curl (its stand-in image links /usr/bin/curl to it), it does what the
// compose file's health check for LocalStack asks of curl: GET a URL, exit 0 on 2xx and 22 otherwise. A
// development tool: no service imports it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"prana/devstack/stack"
)

// healthPath is LocalStack's: what a compose health check written for LocalStack asks for.
const healthPath = "/_localstack/health"

func main() {
	addr := os.Getenv("EMULATOR_ADDR")
	if addr == "" {
		addr = ":4566"
	}
	var err error
	if filepath.Base(os.Args[0]) == "curl" {
		os.Exit(curl(os.Args[1:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		err = probe(addr)
	} else {
		err = serve(addr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "prana-emulator: %v\n", err)
		os.Exit(1)
	}
}

// serve runs the emulator behind a front that answers the health path, until SIGTERM or SIGINT.
func serve(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	emu, err := stack.StartEmulator("127.0.0.1:0", os.Stdout)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = emu.Close(ctx)
	}()
	front, err := healthFront(emu.URL)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: front, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Printf("S3+SQS emulator on %s (health: %s)\n", addr, healthPath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// healthFront answers the health path itself and passes everything else to the emulator at target, Host header
// included (SigV4 signs it; kumo reads virtual-hosted bucket names from it).
func healthFront(target string) (http.Handler, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
		},
		Transport: transport,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+healthPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"services":{"s3":"running","sqs":"running"}}`+"\n")
	})
	mux.Handle("/", proxy)
	return mux, nil
}

// probe GETs the health path on addr's port over loopback.
func probe(addr string) error {
	port := addr[strings.LastIndex(addr, ":")+1:]
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Get("http://127.0.0.1:" + port + healthPath)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", healthPath, resp.Status)
	}
	return nil
}

// curl GETs the last argument that is not a flag, as `curl -fsS URL` does: exit 0 on a 2xx answer, 22 (curl's
// code for -f) on another, 7 when nothing answers.
func curl(args []string) int {
	target := ""
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			target = a
		}
	}
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Get(target)
	if err != nil {
		fmt.Fprintf(os.Stderr, "curl: %v\n", err)
		return 7
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		fmt.Fprintf(os.Stderr, "curl: %s: %s\n", target, resp.Status)
		return 22
	}
	return 0
}
