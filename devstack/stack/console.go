package stack

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// maxLine bounds how much of a line without a newline is held back; beyond it the text is written as a line of
// its own, so a child printing megabytes without a newline cannot grow memory without bound.
const maxLine = 64 << 10

// Console writes whole lines to one writer (stdout) for every source, one Write per line under a lock, so lines
// from concurrent sources never interleave mid-line.
type Console struct {
	mu sync.Mutex
	w  io.Writer
}

// NewConsole returns a console that writes to w.
func NewConsole(w io.Writer) *Console {
	return &Console{w: w}
}

// Prefixed returns a writer that puts "name   | " before each line it is given. Names are padded to six
// characters so the bars line up for the usual sources (auth, pdf, worker, aws, dev); longer names stick out.
func (c *Console) Prefixed(name string) *LineWriter {
	return &LineWriter{con: c, prefix: []byte(fmt.Sprintf("%-6s | ", name))}
}

// writeLine writes prefix, line and a newline in one Write.
func (c *Console) writeLine(prefix, line []byte) {
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(append(append(buf, prefix...), line...), '\n')
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = c.w.Write(buf) // nowhere to report a failing stdout
}

// LineWriter is an io.Writer that splits what it is given into lines and writes each, prefixed, to the console.
// A partial line waits for its end (or for Flush). It is safe for concurrent use.
type LineWriter struct {
	con    *Console
	prefix []byte

	mu  sync.Mutex
	buf []byte
}

// Write implements io.Writer; it never fails.
func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.con.writeLine(w.prefix, bytes.TrimSuffix(w.buf[:i], []byte("\r")))
		w.buf = w.buf[i+1:]
	}
	for len(w.buf) >= maxLine {
		w.con.writeLine(w.prefix, w.buf[:maxLine])
		w.buf = w.buf[maxLine:]
	}
	// Move the remainder to the front so the buffer does not creep forward through its backing array.
	w.buf = append(w.buf[:0:0], w.buf...)
	return len(p), nil
}

// Flush writes a pending partial line, if any, as a line of its own.
func (w *LineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.con.writeLine(w.prefix, w.buf)
		w.buf = nil
	}
}
