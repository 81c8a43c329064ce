package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestReplicas runs three auth replicas (each with its own DATA_DIR), two
// pdf replicas and three workers on one database, one queue and one bucket,
// behind a round-robin balancer per service, and checks that each service
// behaves as one: started together on an empty database; tokens from any
// auth replica accepted everywhere; login limits held service-wide; keys
// rotated under load without a 401; a replica and a worker killed under
// load without losing a job.
func TestReplicas(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3, 2, 3)
	t.Logf("3 auth, 2 pdf, 3 workers started together on an empty database: all ready in %s",
		c.startedToReady.Round(time.Millisecond))

	users := make([]account, 16)
	for i := range users {
		users[i] = c.signup(t)
	}
	t.Run("a token from any replica works on every replica", func(t *testing.T) { c.checkTokensEverywhere(t, users[0]) })
	t.Run("login limits hold across replicas", c.checkLoginLimits)
	t.Run("rotation under load", func(t *testing.T) { c.checkRotation(t, users) })
	t.Run("kill -9 of an auth replica and a worker under load", func(t *testing.T) { c.checkKill(t, users) })
	for name, lb := range map[string]*balancer{"auth": c.authLB, "pdf": c.pdfLB} {
		served, failed, drops := lb.stats()
		t.Logf("%s balancer: answers by replica %v, requests accepted then dropped %v %q", name, served, failed, drops)
	}
}

// checkTokensEverywhere logs in on each auth replica in turn; each token
// must work on /me of every auth replica and on downloads of every pdf
// replica.
func (c *cluster) checkTokensEverywhere(t *testing.T, u account) {
	for i, issuer := range c.auth {
		got, token := login(issuer.URL, u)
		if token == "" {
			t.Fatalf("login on auth-%d: %v", i, got)
		}
		for j, r := range c.auth {
			if got := call(http.MethodGet, r.URL+"/api/auth/me", token, nil); got.status != http.StatusOK {
				t.Errorf("token of auth-%d on /me of auth-%d: %v", i, j, got)
			}
		}
		for j, r := range c.pdf {
			got := call(http.MethodGet, r.URL+"/api/pdf/download", token, nil)
			if got.status != http.StatusOK || !bytes.HasPrefix(got.body, []byte("%PDF-")) {
				t.Errorf("token of auth-%d on download of pdf-%d: %v", i, j, got)
			}
		}
	}
}

// checkLoginLimits sends 30 wrong passwords for one email from one address,
// round-robin over the auth replicas: LOGIN_RATE_PER_IP_EMAIL=10 must hold
// for the service, within one attempt, not per replica.
func (c *cluster) checkLoginLimits(t *testing.T) {
	victim := c.signup(t)
	wrong := account{email: victim.email, password: "wrong-" + randomHex(8)}
	c.secret(wrong.password)
	const attempts, limit = 30, 10
	passed := 0
	for i := range attempts {
		got, _ := login(c.auth[i%len(c.auth)].URL, wrong)
		switch got.status {
		case http.StatusTooManyRequests:
		case http.StatusUnauthorized:
			passed++
		default:
			t.Errorf("wrong password %d on auth-%d: %v, want 401 or 429", i, i%len(c.auth), got)
		}
	}
	t.Logf("%d wrong passwords over %d replicas: %d answered 401, the rest 429", attempts, len(c.auth), passed)
	if passed > limit+1 {
		t.Errorf("%d of %d wrong passwords got past the limit of %d: the limit is per replica", passed, attempts, limit)
	}
	if passed < limit {
		t.Errorf("only %d attempts got through before 429, want the limit %d", passed, limit)
	}
}

// checkRotation keeps logins, /me and downloads going through the
// balancers over at least two key rotations: no valid token may get a 401;
// every replica's JWKS lists the same kids (give or take the refresh
// interval); and a token signed before the rotations, by a key no longer
// signing, still verifies everywhere.
func (c *cluster) checkRotation(t *testing.T, users []account) {
	got, early := login(c.authLB.URL, users[0])
	if early == "" {
		t.Fatalf("login: %v", got)
	}
	earlyKid := tokenKid(early)
	tr := startTraffic(t, c, users, false)
	// The keys signing before the rotations: the logins just made went to
	// every replica.
	before := tr.kidSet()
	before[earlyKid] = true
	newKids := func() int {
		n := 0
		for kid := range tr.kidSet() {
			if !before[kid] {
				n++
			}
		}
		return n
	}
	start := time.Now()
	// The JWKS of every replica, twice a second: a difference may last
	// the refresh interval (1 s), plus a poll.
	var divergedSince time.Time
	var longest time.Duration
	reported := false
	for time.Since(start) < 25*time.Second {
		sets := c.jwksOfAll(t)
		if allEqual(sets) {
			divergedSince = time.Time{}
		} else if divergedSince.IsZero() {
			divergedSince = time.Now()
		} else if d := time.Since(divergedSince); d > longest {
			longest = d
			if d > 2500*time.Millisecond && !reported {
				t.Errorf("the replicas' JWKS differ for %s: %v", d.Round(time.Millisecond), sets)
				reported = true
			}
		}
		// Two rotations: two keys that were not signing before, and time
		// for both.
		if newKids() >= 2 && time.Since(start) > 13*time.Second {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	tr.halt()
	t.Logf("rotation phase: %s; the JWKS differed between replicas for at most %s",
		time.Since(start).Round(time.Millisecond), longest.Round(time.Millisecond))
	tr.report(t, "rotation")
	if n := newKids(); n < 2 {
		t.Errorf("tokens were signed by %d new keys in %s, want at least 2 (two rotations)", n, time.Since(start).Round(time.Second))
	}

	// The token from before the rotations still verifies, everywhere, and
	// its key is still published: it has not expired.
	for i, r := range c.auth {
		if got := call(http.MethodGet, r.URL+"/api/auth/me", early, nil); got.status != http.StatusOK {
			t.Errorf("pre-rotation token on auth-%d: %v", i, got)
		}
		if kids, err := jwksKids(r.URL); err != nil || !slices.Contains(kids, earlyKid) {
			t.Errorf("auth-%d's JWKS %v (%v) no longer lists the pre-rotation key %s", i, kids, err, earlyKid)
		}
	}
	for i, r := range c.pdf {
		if got := call(http.MethodGet, r.URL+"/api/pdf/download", early, nil); got.status != http.StatusOK {
			t.Errorf("pre-rotation token on pdf-%d: %v", i, got)
		}
	}
}

// checkKill keeps the load going (uploads too), kills one auth replica and
// one worker with SIGKILL, and checks that clients saw failures only from
// the dead replica and that every accepted job is done, its PDF in S3.
func (c *cluster) checkKill(t *testing.T, users []account) {
	tr := startTraffic(t, c, users, true)
	// Worker 0's uploads are held at its S3 endpoint: once one is, the
	// worker holds at least that job when it dies.
	select {
	case <-c.gate.started:
	case <-time.After(15 * time.Second):
		tr.halt()
		t.Fatal("worker 0 took no job in 15 s")
	}
	time.Sleep(500 * time.Millisecond)
	const victim = 2
	tr.markDead(victim)
	c.kill(t, c.auth[victim].proc)
	c.kill(t, c.workers[0])
	t.Logf("killed %s and %s (holding %d uploads or more) under load", c.auth[victim].proc.name, c.workers[0].name, 1+len(c.gate.started))
	time.Sleep(4 * time.Second)
	tr.halt()
	tr.report(t, "kill")

	start := time.Now()
	deadline := start.Add(30 * time.Second)
	for _, j := range tr.jobs {
		err := poll(time.Until(deadline), "job "+j.id+" done", func() (bool, error) {
			got := call(http.MethodGet, c.pdfLB.URL+"/api/pdf/jobs/"+j.id, j.token, nil)
			if got.status != http.StatusOK {
				return false, fmt.Errorf("job status: %v", got)
			}
			var job struct{ Status string }
			_ = json.Unmarshal(got.body, &job)
			if job.Status == "failed" {
				return false, fmt.Errorf("job failed: %s", got.body)
			}
			return job.Status == "done", nil
		})
		if err != nil {
			t.Fatal(err)
		}
		status, ctype, body, err := fetchPublic(j.url)
		if err != nil || status != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Fatalf("job %s done but its object %s: %d %q %v", j.id, j.url, status, ctype, err)
		}
	}
	t.Logf("%d accepted jobs, all done with their PDF in S3 %s after the load ended",
		len(tr.jobs), time.Since(start).Round(time.Millisecond))
	if len(tr.jobs) == 0 {
		t.Error("no upload was accepted: the check proves nothing")
	}
	// The survivors still agree on the keys.
	alive := []*replica{c.auth[0], c.auth[1]}
	if err := poll(3*time.Second, "the surviving replicas' JWKS to agree", func() (bool, error) {
		var sets [][]string
		for _, r := range alive {
			kids, err := jwksKids(r.URL)
			if err != nil {
				return false, err
			}
			sets = append(sets, kids)
		}
		return allEqual(sets), nil
	}); err != nil {
		t.Error(err)
	}
}

// jwksOfAll is the kids each live auth replica publishes.
func (c *cluster) jwksOfAll(t *testing.T) [][]string {
	var sets [][]string
	for i, r := range c.auth {
		if r.proc.exited() {
			continue
		}
		kids, err := jwksKids(r.URL)
		if err != nil {
			t.Errorf("auth-%d: %v", i, err)
			continue
		}
		sets = append(sets, kids)
	}
	return sets
}

func allEqual(sets [][]string) bool {
	for _, s := range sets[min(1, len(sets)):] {
		if !slices.Equal(s, sets[0]) {
			return false
		}
	}
	return true
}
