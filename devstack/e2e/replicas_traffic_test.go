package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// traffic is continuous load through the balancers, from a pool of users:
// logins (whose tokens feed the pool), /me and downloads with tokens from
// the pool, and, when asked, uploads. It tallies every answer: what was
// wanted, what came from a replica declared dead, and what else.
type traffic struct {
	c     *cluster
	users []account

	stop chan struct{}
	wg   sync.WaitGroup

	mu       sync.Mutex
	tokens   []string // the newest token of each user, by index
	kids     map[string]int
	ok       map[string]int // wanted answers, by kind
	excused  map[string]int // failures from the dead auth replica, by kind
	bad      map[string]int // anything else, by kind
	examples []string       // the first few bad answers
	deadAuth string         // the auth balancer's index of a killed replica
	jobs     []acceptedJob
}

// acceptedJob is an upload answered 202, and the token that may read it.
type acceptedJob struct {
	id, url, token string
}

// startTraffic logs each user in once (through the auth balancer) and
// starts the loops; uploads adds an upload loop.
func startTraffic(t *testing.T, c *cluster, users []account, uploads bool) *traffic {
	t.Helper()
	tr := &traffic{
		c: c, users: users, stop: make(chan struct{}), tokens: make([]string, len(users)),
		kids: map[string]int{}, ok: map[string]int{}, excused: map[string]int{}, bad: map[string]int{},
	}
	for i, u := range users {
		got, token := login(c.authLB.URL, u)
		if token == "" {
			t.Fatalf("login of %s: %v", u.email, got)
		}
		tr.tokens[i] = token
		tr.kids[tokenKid(token)]++
	}
	tr.loop(300*time.Millisecond, tr.login)
	tr.loop(40*time.Millisecond, tr.me)
	tr.loop(40*time.Millisecond, tr.me)
	tr.loop(60*time.Millisecond, tr.download)
	if uploads {
		tr.loop(40*time.Millisecond, tr.upload)
	}
	return tr
}

// loop runs step every pause until the traffic stops.
func (tr *traffic) loop(pause time.Duration, step func(i int)) {
	tr.wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-tr.stop:
				return
			case <-time.After(pause):
			}
			step(i)
		}
	})
}

// halt stops the loops and waits for them.
func (tr *traffic) halt() {
	close(tr.stop)
	tr.wg.Wait()
}

func (tr *traffic) login(i int) {
	n := i % len(tr.users)
	got, token := login(tr.c.authLB.URL, tr.users[n])
	tr.tally("login", got, http.StatusOK, true)
	if token != "" {
		tr.mu.Lock()
		tr.tokens[n] = token
		tr.kids[tokenKid(token)]++
		tr.mu.Unlock()
	}
}

// token is the newest token of a user picked at random: tokens of every
// key the rotation has used so far, each younger than a minute.
func (tr *traffic) token() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.tokens[rand.N(len(tr.tokens))]
}

func (tr *traffic) me(int) {
	tr.tally("me", call(http.MethodGet, tr.c.authLB.URL+"/api/auth/me", tr.token(), nil), http.StatusOK, true)
}

func (tr *traffic) download(int) {
	tr.tally("download", call(http.MethodGet, tr.c.pdfLB.URL+"/api/pdf/download", tr.token(), nil), http.StatusOK, false)
}

func (tr *traffic) upload(int) {
	token := tr.token()
	got := call(http.MethodPost, tr.c.pdfLB.URL+"/api/pdf/upload-to-s3", token, nil)
	if tr.tally("upload", got, http.StatusAccepted, false) {
		var acc struct {
			JobID string `json:"job_id"`
			URL   string `json:"url"`
		}
		if err := json.Unmarshal(got.body, &acc); err != nil || acc.JobID == "" {
			tr.record("upload", fmt.Sprintf("202 without a job: %v", got))
			return
		}
		tr.mu.Lock()
		tr.jobs = append(tr.jobs, acceptedJob{id: acc.JobID, url: acc.URL, token: token})
		tr.mu.Unlock()
	}
}

// tally files one answer; it reports whether it was the wanted one.
// Failures of a request the auth balancer sent to the killed replica are
// excused (auth says whether the request went through that balancer).
func (tr *traffic) tally(kind string, got answer, want int, auth bool) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch {
	case got.err == nil && got.status == want:
		tr.ok[kind]++
		return true
	case auth && tr.deadAuth != "" && got.backend == tr.deadAuth:
		tr.excused[kind]++
	default:
		tr.bad[kind]++
		if len(tr.examples) < 10 {
			tr.examples = append(tr.examples, kind+": "+got.String())
		}
	}
	return false
}

func (tr *traffic) record(kind, what string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.bad[kind]++
	if len(tr.examples) < 10 {
		tr.examples = append(tr.examples, kind+": "+what)
	}
}

// markDead excuses, from now on, failures of the auth replica at index i.
func (tr *traffic) markDead(i int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.deadAuth = fmt.Sprint(i)
}

// kidSet is the signing keys the logins' tokens have shown so far.
func (tr *traffic) kidSet() map[string]bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := make(map[string]bool, len(tr.kids))
	for kid := range tr.kids {
		out[kid] = true
	}
	return out
}

// report fails the test for every unexcused failure, and logs the counts.
func (tr *traffic) report(t *testing.T, what string) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	t.Logf("%s: wanted answers %v; excused (from the dead replica) %v; tokens signed by %d keys", what, tr.ok, tr.excused, len(tr.kids))
	for kind, n := range tr.bad {
		t.Errorf("%s: %d unwanted %s answers", what, n, kind)
	}
	for _, e := range tr.examples {
		t.Errorf("  e.g. %s", e)
	}
	for _, kind := range []string{"login", "me", "download"} {
		if tr.ok[kind] == 0 {
			t.Errorf("%s: no %s succeeded: the load proves nothing", what, kind)
		}
	}
}
