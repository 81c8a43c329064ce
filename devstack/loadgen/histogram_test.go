package loadgen

import (
	"testing"
	"time"
)

func TestQuantilesOfUniformLatencies(t *testing.T) {
	t.Parallel()
	var h Histogram
	for i := 1; i <= 1000; i++ { // 1 ms … 1000 ms
		h.Record(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}, {0.001, time.Millisecond}} {
		got := h.Quantile(c.q)
		// Buckets hold values to within 1/64 above what was recorded, never below.
		if got < c.want || float64(got) > float64(c.want)*(1+1.0/64) {
			t.Errorf("q%.3f = %s, want %s (+1.6%% at most)", c.q, got, c.want)
		}
	}
	if h.Count() != 1000 || h.Max() != time.Second {
		t.Errorf("count %d max %s", h.Count(), h.Max())
	}
}

func TestSmallValuesAreExactAndMaxCaps(t *testing.T) {
	t.Parallel()
	var h Histogram
	for _, us := range []int{3, 3, 7, 40} {
		h.Record(time.Duration(us) * time.Microsecond)
	}
	if got := h.Quantile(0.5); got != 3*time.Microsecond {
		t.Errorf("p50 = %s, want 3µs", got)
	}
	if got := h.Quantile(0.75); got != 7*time.Microsecond {
		t.Errorf("p75 = %s, want 7µs", got)
	}
	var big Histogram
	big.Record(1234567 * time.Microsecond)
	if got := big.Quantile(0.99); got != 1234567*time.Microsecond {
		t.Errorf("single value: p99 = %s, want it exactly (capped at the max)", got)
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 {
		t.Error("empty histogram: want 0")
	}
}

func TestMergeAddsCounts(t *testing.T) {
	t.Parallel()
	var a, b Histogram
	for range 99 {
		a.Record(time.Millisecond)
	}
	b.Record(time.Second)
	a.Merge(&b)
	if a.Count() != 100 || a.Max() != time.Second {
		t.Fatalf("count %d max %s", a.Count(), a.Max())
	}
	if p99, p100 := a.Quantile(0.99), a.Quantile(1); p99 > 2*time.Millisecond || p100 != time.Second {
		t.Errorf("p99 %s (want ~1ms), p100 %s (want 1s)", p99, p100)
	}
}

func TestBucketsCoverEveryValueInOrder(t *testing.T) {
	t.Parallel()
	prev := -1
	for _, us := range []uint64{0, 1, 63, 64, 65, 127, 128, 129, 1000, 1 << 20, 1<<40 + 12345, 1<<63 - 1} {
		i := bucketOf(us)
		if i < prev || i >= len(Histogram{}.counts) {
			t.Fatalf("bucketOf(%d) = %d after %d", us, i, prev)
		}
		if top := bucketTop(i); top < us || float64(top-us) > float64(us)/64+1 {
			t.Errorf("bucketTop(bucketOf(%d)) = %d: not within 1/64 above", us, top)
		}
		prev = i
	}
}
