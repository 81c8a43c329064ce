package main

import (
	"io"
	"os"
	"time"

	"prana/devstack/stack"
)

// followInterval is how often a followed file is checked for new output.
const followInterval = 250 * time.Millisecond

// follower copies what is appended to a file to a stack.LineWriter, like `tail -f`. It is how the PostgreSQL server log
// reaches the console: the server runs detached from prana-dev (pg_ctl starts it in its own session, so that
// Ctrl-C in the terminal does not kill it before the services are stopped) and writes to its log file only.
type follower struct {
	quit chan struct{}
	done chan struct{}
}

// followFile starts following path from its current end (earlier runs' output is not repeated). The file need
// not exist yet.
func followFile(path string, w *stack.LineWriter) *follower {
	f := &follower{quit: make(chan struct{}), done: make(chan struct{})}
	var offset int64
	if fi, err := os.Stat(path); err == nil {
		offset = fi.Size()
	}
	go func() {
		defer close(f.done)
		defer w.Flush()
		tick := time.NewTicker(followInterval)
		defer tick.Stop()
		for {
			offset = copyFrom(path, offset, w)
			select {
			case <-f.quit:
				copyFrom(path, offset, w) // what the server wrote while shutting down
				return
			case <-tick.C:
			}
		}
	}()
	return f
}

// copyFrom writes path's content from offset to w and returns the new offset. A file that shrank was
// truncated or replaced: start again from its beginning.
func copyFrom(path string, offset int64, w io.Writer) int64 {
	file, err := os.Open(path)
	if err != nil {
		return offset
	}
	defer file.Close()
	if fi, err := file.Stat(); err == nil && fi.Size() < offset {
		offset = 0
	}
	if _, err := file.Seek(offset, io.SeekStart); err != nil {
		return offset
	}
	n, _ := io.Copy(w, file) // a read error just means trying again on the next tick
	return offset + n
}

// stop copies the last output and stops following.
func (f *follower) stop() {
	close(f.quit)
	<-f.done
}
