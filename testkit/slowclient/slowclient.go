// Package slowclient plays the slow clients a server must cut off: one
// that sends its header a byte at a time (slowloris) and one whose body
// never ends. Test-support only.
package slowclient

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Result is how a server dealt with a slow client.
type Result struct {
	// After is how long after the first byte the server answered or
	// closed the connection.
	After time.Duration
	// Status is the status line the server sent before closing, "" if
	// it closed without a word.
	Status string
}

// giveUp bounds every exchange, so that a server without timeouts fails
// the test instead of hanging it.
const giveUp = 30 * time.Second

// Header opens a connection to addr and sends a request header one byte
// every `every`, never finishing it.
func Header(addr string, every time.Duration) (Result, error) {
	return dribble(addr, "", "GET /healthz HTTP/1.1\r\nHost: prana\r\nX-Slow: ", every)
}

// Body sends a complete header for a POST to path declaring a JSON body,
// then the body one byte every `every`, never finishing it.
func Body(addr, path string, every time.Duration) (Result, error) {
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: prana\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, bodyLength)
	return dribble(addr, head, `{"name":"`, every)
}

// bodyLength is what Body declares: under the services' 64 KiB body limit,
// so that they start reading instead of refusing it outright.
const bodyLength = 60000

// dribble sends head at once, then slow (and after it 'a's) one byte
// every `every` until the server answers or closes.
func dribble(addr, head, slow string, every time.Duration) (Result, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return Result{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(giveUp))
	start := time.Now()
	closed := make(chan Result, 1)
	go func() { closed <- readUntilClosed(conn, start) }()
	if _, err := conn.Write([]byte(head)); err != nil {
		return Result{}, err
	}
	for i := 0; ; i++ {
		b := []byte{'a'}
		if i < len(slow) {
			b = []byte{slow[i]}
		}
		if _, err := conn.Write(b); err != nil {
			break // the server is gone; the reader says when
		}
		select {
		case r := <-closed:
			return r, nil
		case <-time.After(every):
		}
		if time.Since(start) > giveUp {
			return Result{}, errors.New("the server kept the connection open for 30s")
		}
	}
	return <-closed, nil
}

// readUntilClosed returns when the server answers or closes.
func readUntilClosed(conn net.Conn, start time.Time) Result {
	line, err := bufio.NewReader(conn).ReadString('\n')
	r := Result{After: time.Since(start)}
	if err == nil || line != "" {
		r.Status = strings.TrimSpace(line)
	}
	return r
}
