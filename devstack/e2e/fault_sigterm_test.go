package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// loadClient opens a connection per request, so that a request refused at
// connect (the server has stopped listening) is told apart from one the
// server accepted and then dropped; a kept-alive connection closed under a
// request would blur the two.
var loadClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// tally counts the outcomes of requests sent under load.
type tally struct {
	mu      sync.Mutex
	status  map[int]int
	refused int
	broken  []string // accepted but never answered
	bodies  [][]byte // of 202 answers
	wait    func()   // until every sender has stopped
	// handledBefore is the server's count of requests to the load's routes
	// before the load began.
	handledBefore int
}

// handledCount counts the server's access log lines for routes.
func handledCount(server *proc, routes []string) int {
	n := 0
	for _, r := range routes {
		n += len(logLines(server, map[string]string{"msg": "request", "route": r}))
	}
	return n
}

func (l *tally) record(resp *http.Response, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.status == nil {
		l.status = map[int]int{}
	}
	switch {
	case err != nil && isRefused(err):
		l.refused++
	case err != nil:
		l.broken = append(l.broken, err.Error())
	default:
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil {
			l.broken = append(l.broken, "body: "+rerr.Error())
			return
		}
		l.status[resp.StatusCode]++
		if resp.StatusCode == http.StatusAccepted {
			l.bodies = append(l.bodies, body)
		}
	}
}

// hammer sends requests made by newReq from n goroutines until stop is
// closed or the server stops listening, and tallies the outcomes.
func hammer(n int, stop <-chan struct{}, newReq func() *http.Request) *tally {
	l := &tally{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := loadClient.Do(newReq())
				l.record(resp, err)
				if err != nil && isRefused(err) {
					return
				}
			}
		})
	}
	l.wait = wg.Wait
	return l
}

// check fails the test for a request the server handled but whose answer
// never arrived, or an answer with a status outside allowed. server is the
// stopped process, routes the routes the load used.
//
// A connection can be reset without the server ever seeing it: one the
// kernel completed into the listen backlog just before the listener
// closed. The server's access log tells the two apart: it has a line for
// every request the server read, so as long as it holds exactly as many
// lines as the client got answers, no handled request lost its answer.
func (l *tally) check(t *testing.T, what string, server *proc, routes []string, allowed ...int) {
	t.Helper()
	l.wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	answered := 0
	for _, n := range l.status {
		answered += n
	}
	handled := handledCount(server, routes) - l.handledBefore
	t.Logf("%s under SIGTERM: statuses %v, %d refused at connect, %d reset before the server read them, %d handled by the server",
		what, l.status, l.refused, len(l.broken), handled)
	if handled != answered {
		t.Errorf("%s: the server handled %d requests, the client got %d answers", what, handled, answered)
		for _, b := range l.broken[:min(len(l.broken), 5)] {
			t.Errorf("%s: no answer: %s", what, b)
		}
	}
	for code, n := range l.status {
		ok := false
		for _, a := range allowed {
			ok = ok || code == a
		}
		if !ok {
			t.Errorf("%s: %d answers with status %d", what, n, code)
		}
	}
}

func jsonRequest(method, url, token string, body any) *http.Request {
	var r io.Reader = http.NoBody
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// TestSIGTERMUnderLoad stops each binary while it is busy: the worker with
// jobs in hand, the pdf service and the auth service with requests in
// flight. Each exits 0; every request it accepted is answered; every job
// the API accepted ends stored (the jobs still queued are stored by the
// next worker); nothing is half-written.
//
// The queue's visibility timeout (20 s) is far longer than the worker's
// stop: a message the stopped worker received and then neither finished nor
// released is still invisible right after it, so the queue must then hold no
// message in flight (no other worker runs). The short 2 s timeout of the
// other fault tests would let such a message come back to the next worker
// unseen.
func TestSIGTERMUnderLoad(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{env: sigtermEnv})
	worker := s.startWorker(t)
	u := s.signupAndLogin(t, "Іван", "Петренко")
	queue := openQueue(t, s.Queue)
	var pdf *proc
	for _, p := range s.procs {
		if p.name == "pdf" {
			pdf = p
		}
	}

	// Uploads pour in; the worker is stopped mid-stream, then the API.
	stop := make(chan struct{})
	uploadRoutes := []string{"/api/pdf/upload-to-s3"}
	before := handledCount(pdf, uploadRoutes)
	uploads := hammer(6, stop, func() *http.Request {
		return jsonRequest(http.MethodPost, s.PDFURL+"/api/pdf/upload-to-s3", u.Token, nil)
	})
	uploads.handledBefore = before
	waitFor(t, 30*time.Second, "jobs in the worker's hands", func() (bool, error) {
		return len(logLines(worker, map[string]string{"msg": "task done"})) >= 3, nil
	})
	s.stopProc(t, worker) // exit 0 within its grace, checked
	if _, inFlight := queue.counts(t); inFlight != 0 {
		t.Errorf("the stopped worker left %d messages in flight: received, neither finished nor released", inFlight)
	}
	time.Sleep(300 * time.Millisecond)
	s.stopProc(t, pdf)
	close(stop)
	uploads.check(t, "uploads", pdf, uploadRoutes, http.StatusAccepted)

	// A new API and worker: every accepted job gets done, none lost.
	s.PDFURL = s.startHTTP(t, "pdf", "PDF_ADDR", s.pdfEnv)
	s.startWorker(t)
	c := s.pdfClient(t, u.Token)
	for _, b := range uploads.bodies {
		var acc struct {
			JobID uuid.UUID `json:"job_id"`
		}
		if err := json.Unmarshal(b, &acc); err != nil {
			t.Fatalf("202 body %s: %v", b, err)
		}
		waitDone(t, c, acc.JobID, sigtermJobsDeadline)
	}
	if len(uploads.bodies) < 3 {
		t.Errorf("only %d uploads accepted: the load proved little", len(uploads.bodies))
	}
	waitFor(t, 10*time.Second, "the queue to be empty", func() (bool, error) {
		visible, inFlight := queue.counts(t)
		return visible == 0 && inFlight == 0, nil
	})

	// Logins (and a signup each) pour in; the auth service is stopped.
	var auth *proc
	for _, p := range s.procs {
		if p.name == "auth" {
			auth = p
		}
	}
	authRoutes := []string{"/api/auth/login", "/api/auth/signup"}
	before = handledCount(auth, authRoutes)
	stop = make(chan struct{})
	var seq atomic.Int64
	logins := hammer(4, stop, func() *http.Request {
		if seq.Add(1)%4 == 0 {
			return jsonRequest(http.MethodPost, s.AuthURL+"/api/auth/signup", "", map[string]string{
				"name": "Load", "surname": "Test", "email": fmt.Sprintf("load-%s-%d@example.com", randomHex(4), seq.Load()),
				"date_of_birth": "1990-01-01", "password": u.Password,
			})
		}
		return jsonRequest(http.MethodPost, s.AuthURL+"/api/auth/login", "", map[string]string{"email": u.Email, "password": u.Password})
	})
	logins.handledBefore = before
	time.Sleep(time.Second)
	s.stopProc(t, auth)
	close(stop)
	logins.check(t, "signups and logins", auth, authRoutes, http.StatusOK, http.StatusCreated, http.StatusTooManyRequests, http.StatusServiceUnavailable)
}
