package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"prana/devstack/loadgen"
	"prana/devstack/stack"
)

// refreshes measures POST /api/auth/refresh at c=10. Each worker follows its
// own session's chain of refresh tokens, so every request rotates a token
// (the path every client takes, not the reuse interval's). Nothing is
// hashed, so it should run far above login.
func (b *bench) refreshes(ctx context.Context) (figure, error) {
	f := figure{Name: "POST /api/auth/refresh, c=10, each worker rotating its own session's token",
		Target: "report it (no hashing: far above login)", Seed: "— (no refresh tokens)", Command: rerun + "login"}
	if _, err := b.sys.StartAuth(ctx, stack.NoAuthLimits...); err != nil {
		return f, err
	}
	if err := b.signupGroup(ctx, "refresh", authWorkers); err != nil {
		return f, err
	}
	chain := make([]string, authWorkers)
	var mu sync.Mutex
	err := forEach(ctx, indices(authWorkers), 2, func(c *http.Client, i int) error {
		var tok struct {
			RefreshToken string `json:"refresh_token"`
		}
		err := postJSON(ctx, c, b.sys.AuthURL+"/api/auth/login", loginBody(email("refresh", i)), http.StatusOK, &tok)
		mu.Lock()
		chain[i] = tok.RefreshToken
		mu.Unlock()
		return err
	})
	if err != nil {
		return f, err
	}
	url := b.sys.AuthURL + "/api/auth/refresh"
	req := func(w, _ int) (*http.Request, error) {
		body, _ := json.Marshal(map[string]string{"refresh_token": chain[w]}) // strings only: cannot fail
		return newRequest(http.MethodPost, url, "", bytes.NewReader(body))
	}
	observe := func(w, status int, body []byte) {
		var tok struct {
			RefreshToken string `json:"refresh_token"`
		}
		if status == http.StatusOK && json.Unmarshal(body, &tok) == nil {
			chain[w] = tok.RefreshToken // only worker w reads and writes chain[w]
		}
	}
	rs, cpu, err := b.loadObserved(ctx, b.sys.Auth.Pid(),
		loadgen.Config{Workers: authWorkers, Duration: b.set.duration, Warmup: b.set.warmup, Observe: observe}, req)
	if err != nil {
		return f, err
	}
	f.Value = b.rateAndP99(rs) + "; auth CPU per request " + ms(cpu.PerRequest.Median) + " ms"
	judge(&f, statusCheck(rs, http.StatusOK), rates(rs).Median, 0, p99s(rs).Median, 0, 0)
	f.Verdict = reported
	return f, nil
}
