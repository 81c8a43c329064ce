package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"prana/pdf/internal/config"
	"prana/pdf/internal/domain"
)

// The worker's throughput through the in-process emulator, as the issue
// measures it: jobs recorded and queued as the API does, until their PDFs
// are stored. Run with a fixed count, e.g.
//
//	go test -run '^$' -bench Worker -benchtime 2000x ./pdf/cmd/pdf-worker/
//
// BenchmarkWorkerThroughput sends all b.N jobs at once (from 16 senders)
// and reports jobs/s from the first send to the last object stored;
// BenchmarkWorkerLatency sends one job at a time and reports the median and
// p99 from send to stored.

func quiet(c *config.Config) { c.LogLevel = "warn" }

func BenchmarkWorkerThroughput(b *testing.B) {
	w := startWorker(b, quiet, func(c *config.Config) { c.WorkerConcurrency = 0 })
	tasks := make([]domain.Task, b.N)
	for i := range tasks {
		tasks[i] = w.queuedTaskFor("Іван")
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime(b)
	var wg sync.WaitGroup
	next := make(chan domain.Task)
	// b.Fatal may only be called from the benchmark's goroutine: the
	// senders hand their first failure back instead.
	failed := make(chan error, 1)
	for range 16 {
		wg.Go(func() {
			for task := range next {
				if err := w.tryEnqueue(task); err != nil {
					select {
					case failed <- err:
					default:
					}
				}
			}
		})
	}
	for _, task := range tasks {
		next <- task
	}
	close(next)
	wg.Wait()
	select {
	case err := <-failed:
		b.Fatal(err)
	default:
	}
	sent := time.Since(start)
	w.waitStored(b, len(tasks), 2*time.Minute)
	took := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(len(tasks))/took.Seconds(), "jobs/s")
	b.ReportMetric(float64(len(tasks))/sent.Seconds(), "sent/s")
	// The whole process's CPU per job: the sender, the worker and the
	// emulator. On a machine shared with other work this says more than
	// jobs/s does.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(len(tasks)), "cpu-ms/job")
	w.checkAllStored(b, tasks)
}

func BenchmarkWorkerLatency(b *testing.B) {
	w := startWorker(b, quiet, func(c *config.Config) { c.WorkerConcurrency = 0 })
	var took []time.Duration
	for b.Loop() {
		task := w.queuedTaskFor("Іван")
		start := time.Now()
		w.enqueue(b, task)
		for {
			if _, err := w.s3.HeadObject(context.Background(), &s3.HeadObjectInput{
				Bucket: aws.String(w.cfg.BucketName), Key: aws.String(task.Profile.ObjectKey()),
			}); err == nil {
				break
			}
			if time.Since(start) > time.Minute {
				b.Fatalf("%s not stored a minute after it was queued", task.Profile.ObjectKey())
			}
			time.Sleep(2 * time.Millisecond)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// enqueue does what the API does for an upload: record the job as queued,
// then send its task.
func (w *worker) enqueue(t testing.TB, task domain.Task) {
	t.Helper()
	if err := w.tryEnqueue(task); err != nil {
		t.Fatal(err)
	}
}

// tryEnqueue is enqueue for goroutines other than the test's.
func (w *worker) tryEnqueue(task domain.Task) error {
	if err := w.saveQueued(task); err != nil {
		return fmt.Errorf("record job: %w", err)
	}
	if err := w.send(task); err != nil {
		return fmt.Errorf("publish task: %w", err)
	}
	return nil
}

// cpuTime is the CPU time this process has used so far.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// storedCount counts the profile PDFs in the bucket.
func (w *worker) storedCount(t testing.TB) int {
	t.Helper()
	n := 0
	p := s3.NewListObjectsV2Paginator(w.s3, &s3.ListObjectsV2Input{
		Bucket: aws.String(w.cfg.BucketName), Prefix: aws.String("profile_"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Contents)
	}
	return n
}

// waitStored waits until n profile PDFs are stored.
func (w *worker) waitStored(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for w.storedCount(t) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d PDFs stored after %s", w.storedCount(t), n, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkAllStored fails unless every task's PDF is stored, its job done and
// the queue empty: nothing lost.
func (w *worker) checkAllStored(t testing.TB, tasks []domain.Task) {
	t.Helper()
	for _, task := range tasks {
		if j := w.job(t, task.JobID); j.Status != domain.JobDone {
			t.Errorf("job %s is %q, want done", task.JobID, j.Status)
		}
	}
	if v, f := w.counts(t, ""); v != 0 || f != 0 {
		t.Errorf("queue holds %d waiting, %d in flight; want none", v, f)
	}
	if d, _ := w.counts(t, "-dlq"); d != 0 {
		t.Errorf("%d dead letters", d)
	}
}
