package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/testkit/pgtest"
)

// replicaEnv is how the multi-replica tests run auth: keys rotate every
// few seconds (published 2 s + 1 s of skew before they sign, seen by every
// replica within 1 s), tokens live one minute, and only the per address and
// email login limit is on (every request comes from the balancer's
// address; so signups are limited per email only).
var replicaAuthEnv = []string{
	"LOG_LEVEL=info",
	"JWT_KEY_ROTATION=6s", "JWKS_MAX_AGE=2s", "JWT_KEY_REFRESH_INTERVAL=1s", "JWT_KEY_CLOCK_SKEW=1s",
	"ACCESS_TOKEN_EXPIRE_MINUTES=1",
	"LOGIN_RATE_PER_IP=0", "LOGIN_RATE_PER_IP_EMAIL=10",
	"SIGNUP_RATE_PER_IP=0", "SIGNUP_RATE_PER_RANGE=0",
}

// cluster is several replicas of each binary on one database, one queue and
// one bucket, with a round-robin balancer in front of auth and one in front
// of pdf. The pdf replicas fetch the JWKS through the auth balancer.
type cluster struct {
	*stack
	auth, pdf      []*replica
	workers        []*proc
	authLB, pdfLB  *balancer
	startedToReady time.Duration
	// gate holds every PDF upload of worker 0, so that when the test kills
	// it, it surely holds jobs.
	gate *uploadGate
}

// replica is one HTTP service process and its own address.
type replica struct {
	URL  string
	proc *proc
}

// startCluster starts nAuth auth replicas (each with its own DATA_DIR), nPDF
// pdf replicas and nWorkers workers at the same moment, on an empty
// database, and waits until every HTTP replica's /readyz answers 200 and
// every worker consumes. The stack's clean-up stops them all (each must
// exit 0) and checks their logs.
func startCluster(t *testing.T, nAuth, nPDF, nWorkers int) *cluster {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	id := randomHex(4)
	c := &cluster{stack: &stack{dir: t.TempDir(), Queue: "e2e-rep-" + id, Bucket: "e2e-rep-" + id}}
	t.Cleanup(func() {
		c.shutdown(t)
		c.checkLogs(t)
		if t.Failed() || os.Getenv("E2E_DUMP") != "" {
			c.dumpLogs(t)
		}
	})
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir}

	// Addresses first, so each balancer knows its replicas before any starts.
	authURLs, pdfURLs := make([]string, nAuth), make([]string, nPDF)
	for i := range authURLs {
		authURLs[i] = "http://" + freeAddr(t)
	}
	for i := range pdfURLs {
		pdfURLs[i] = "http://" + freeAddr(t)
	}
	c.authLB, c.pdfLB = newBalancer(t, authURLs), newBalancer(t, pdfURLs)
	// auth sends account erasures to the worker's queue: it takes the AWS
	// settings too.
	aws := awsSettings(c.Queue)
	awsEnv := slices.Concat(base, aws, []string{
		"LOG_LEVEL=info", "S3_BUCKET_NAME=" + c.Bucket,
		"AUTH_JWKS_URL=" + c.authLB.URL + "/.well-known/jwks.json", "AUTH_JWKS_REFETCH_INTERVAL=1s",
	}, faultEnv)
	c.pdfEnv = awsEnv

	start := time.Now()
	for i, u := range authURLs {
		dir := c.replicaDir(t, "auth", i)
		c.auth = append(c.auth, &replica{URL: u, proc: c.startNamed(t, "auth", i, dir, slices.Concat(base, aws, replicaAuthEnv, []string{
			"DATABASE_URL=" + dsn, "DATA_DIR=" + filepath.Join(dir, "data"), "AUTH_ADDR=" + strings.TrimPrefix(u, "http://"),
		}))})
	}
	for i, u := range pdfURLs {
		c.pdf = append(c.pdf, &replica{URL: u, proc: c.startNamed(t, "pdf", i, c.replicaDir(t, "pdf", i),
			slices.Concat(awsEnv, []string{"PDF_ADDR=" + strings.TrimPrefix(u, "http://")}))})
	}
	c.gate = newUploadGate(t)
	for i := range nWorkers {
		env := slices.Concat(awsEnv, []string{"WORKER_CONCURRENCY=2"})
		if i == 0 {
			env = append(env, "AWS_ENDPOINT_URL="+c.gate.URL) // the later setting wins
		}
		c.workers = append(c.workers, c.startNamed(t, "pdf-worker", i, c.replicaDir(t, "pdf-worker", i), env))
	}

	// Waited for together: t.Fatal is for the test's goroutine only.
	errs := make(chan error, len(c.procs))
	var wg sync.WaitGroup
	for _, r := range slices.Concat(c.auth, c.pdf) {
		wg.Go(func() { errs <- r.ready(45 * time.Second) })
	}
	for _, w := range c.workers {
		wg.Go(func() {
			errs <- poll(45*time.Second, w.name+" consuming", func() (bool, error) {
				return strings.Contains(w.log(), "sqs consumer started"), w.exitErr()
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	c.startedToReady = time.Since(start)
	c.authLB.reset()
	c.pdfLB.reset()
	return c
}

// ready waits until the replica's /readyz answers 200.
func (r *replica) ready(timeout time.Duration) error {
	return poll(timeout, r.proc.name+" /readyz 200", func() (bool, error) {
		if resp, err := readyClient.Get(r.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true, nil
			}
		}
		return false, r.proc.exitErr()
	})
}

// poll calls check every 100 ms until it reports done, returns an error, or
// timeout passes. Unlike waitFor it may run outside the test's goroutine.
func poll(timeout time.Duration, what string, check func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := check()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// awsSettings point a process at the emulator, on queue.
func awsSettings(queue string) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + kumoURL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1", "SQS_QUEUE_NAME=" + queue,
	}
}

// replicaDir is the working directory of one replica: its log, and for auth
// its DATA_DIR, are its own.
func (c *cluster) replicaDir(t *testing.T, name string, i int) string {
	t.Helper()
	dir := filepath.Join(c.dir, fmt.Sprintf("%s-%d", name, i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startNamed starts binary name as replica i; its log lines are reported
// under name-i.
func (c *cluster) startNamed(t *testing.T, name string, i int, dir string, env []string) *proc {
	t.Helper()
	grace := 10 * time.Second
	if name == "pdf-worker" {
		grace = 30 * time.Second
	}
	p := startProc(t, name, dir, env, grace)
	p.name = fmt.Sprintf("%s-%d", name, i)
	c.procs = append(c.procs, p)
	return p
}

// answer is one HTTP exchange as the multi-replica checks look at it.
type answer struct {
	status  int
	backend string // the balancer's replica index, when through a balancer
	body    []byte
	err     error
}

// call makes one request with a bearer token (if any) and a JSON body (if
// any), and reads the answer.
func call(method, url, token string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return answer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, backend: resp.Header.Get(backendHeader), body: data, err: err}
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%d (replica %q) %.200s", a.status, a.backend, a.body)
}

// account is a user made through the auth balancer.
type account struct{ email, password string }

func (c *cluster) signup(t *testing.T) account {
	t.Helper()
	a := account{email: "rep-" + randomHex(6) + "@example.com", password: "pw-" + randomHex(12)}
	c.secret(a.password)
	got := call(http.MethodPost, c.authLB.URL+"/api/auth/signup", "", map[string]string{
		"name": "Олена", "surname": "Коваль", "email": a.email, "date_of_birth": "1991-03-14", "password": a.password,
	})
	if got.err != nil || got.status != http.StatusCreated {
		t.Fatalf("signup: %v", got)
	}
	return a
}

// login logs a in at base (a replica or a balancer) and returns the answer
// and its token ("" unless 200).
func login(base string, a account) (answer, string) {
	got := call(http.MethodPost, base+"/api/auth/login", "", map[string]string{"email": a.email, "password": a.password})
	if got.err != nil || got.status != http.StatusOK {
		return got, ""
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(got.body, &out); err != nil || out.AccessToken == "" {
		got.err = fmt.Errorf("login answer without a token: %v", err)
		return got, ""
	}
	return got, out.AccessToken
}

// tokenKid is the kid in a token's header.
func tokenKid(token string) string {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Kid string `json:"kid"`
	}
	_ = json.Unmarshal(raw, &h)
	return h.Kid
}

// jwksKids are the kids a replica's JWKS lists, sorted.
func jwksKids(base string) ([]string, error) {
	got := call(http.MethodGet, base+"/.well-known/jwks.json", "", nil)
	if got.err != nil || got.status != http.StatusOK {
		return nil, fmt.Errorf("jwks of %s: %v", base, got)
	}
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(got.body, &set); err != nil {
		return nil, fmt.Errorf("jwks of %s: %w", base, err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	slices.Sort(kids)
	return kids, nil
}
