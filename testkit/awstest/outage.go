package awstest

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Switch is the emulator behind an endpoint of its own that a test can take
// down and bring back on the same port, as when S3 and SQS become
// unreachable and return: while down, open connections are cut and every
// new one is closed as soon as it is accepted (as by a load balancer with
// no backend), and counted; the emulator keeps its state (queued messages
// survive, as they do in SQS). It also counts the requests that reach it,
// by action, so a test can tell a client that backs off from one that
// hammers.
type Switch struct {
	URL string // http://127.0.0.1:<port>, the same while up and down

	addr  string
	proxy http.Handler

	mu       sync.Mutex
	srv      *http.Server
	ln       net.Listener // srv's, while up
	hole     net.Listener // while down
	attempts int          // connections while down
	counts   map[string]int
	refuse   func(*http.Request) bool
}

// NewSwitch starts a Switch, up, in front of the process's emulator. It is
// stopped when the test ends.
func NewSwitch(t testing.TB) *Switch {
	t.Helper()
	target, err := url.Parse(Start(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	// Calls cut by Down are expected; they are the point.
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	s := &Switch{proxy: proxy, counts: map[string]int{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.URL = "http://" + s.addr
	s.serve(l)
	t.Cleanup(s.close)
	return s
}

// Down cuts the open connections (long polls too) and from now on closes
// each new one at once, counting them.
func (s *Switch) Down(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	// Closed here too: srv.Close misses a listener its Serve has not taken
	// up yet (Down called right after NewSwitch), and the port must be
	// free now.
	_ = ln.Close()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("awstest: listen again on %s: %v", s.addr, err)
	}
	s.mu.Lock()
	s.hole = l
	s.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.attempts++
			s.mu.Unlock()
			_ = c.Close()
		}
	}()
}

// Up serves again on the same port.
func (s *Switch) Up(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	hole := s.hole
	s.hole = nil
	s.mu.Unlock()
	if hole == nil {
		return
	}
	_ = hole.Close()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("awstest: listen again on %s: %v", s.addr, err)
	}
	s.serve(l)
}

// Attempts is how many connections were made while down.
func (s *Switch) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *Switch) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
	}
	if s.hole != nil {
		_ = s.hole.Close()
	}
}

// Refuse makes the emulator answer 503 SlowDown to the requests match
// picks (nil: none), as S3 does when it is overloaded; the rest pass.
func (s *Switch) Refuse(match func(*http.Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = match
}

// Count is how many requests for action have arrived: an SQS action such
// as "ReceiveMessage", or an S3 method ("PUT", "GET"…). Requests that
// arrive while down are refused by the kernel and not counted.
func (s *Switch) Count(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[action]
}

// IsPDFUpload matches an S3 PUT of a profile PDF, for Refuse.
func IsPDFUpload(r *http.Request) bool {
	return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/profile_")
}

func (s *Switch) serve(l net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(s.handle)}
	s.mu.Lock()
	s.srv, s.ln = srv, l
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("awstest: switch: %v", err)
		}
	}()
}

func (s *Switch) handle(w http.ResponseWriter, r *http.Request) {
	action := r.Method
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		action = target[strings.LastIndexByte(target, '.')+1:]
	}
	s.mu.Lock()
	s.counts[action]++
	refuse := s.refuse != nil && s.refuse(r)
	s.mu.Unlock()
	if refuse {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `<Error><Code>SlowDown</Code><Message>refused by the test</Message></Error>`)
		return
	}
	s.proxy.ServeHTTP(w, r)
}
