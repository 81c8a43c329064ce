package loadgen

import (
	"math/bits"
	"time"
)

// subBuckets is how many buckets each power of two is split into: values are kept to within 1/64 (1.6%) of what
// was recorded, whatever their magnitude, in a fixed few kilobytes.
const subBuckets = 64

// subBits is log2(subBuckets).
const subBits = 6

// Histogram counts latencies in log-linear buckets (as HdrHistogram does): exact below 64 µs, within 1.6% above.
// The zero value is empty and ready; it is not safe for concurrent use (give each worker its own and Merge).
type Histogram struct {
	counts [64 * subBuckets]uint64
	n      uint64
	max    time.Duration
}

// Record adds one latency. Negative values count as zero.
func (h *Histogram) Record(d time.Duration) {
	d = max(d, 0)
	h.counts[bucketOf(uint64(d.Microseconds()))]++
	h.n++
	h.max = max(h.max, d)
}

// Count is the number of latencies recorded.
func (h *Histogram) Count() uint64 {
	return h.n
}

// Max is the largest latency recorded, exactly.
func (h *Histogram) Max() time.Duration {
	return h.max
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Quantile returns the latency below which a fraction q (0 < q ≤ 1) of the recorded ones fall: the upper edge
// of the bucket holding the ⌈q·n⌉-th smallest, capped at Max. An empty histogram answers 0.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999) // ⌈q·n⌉ without float surprises at exact multiples
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketTop(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}

// bucketOf maps microseconds to a bucket: values below subBuckets have one each; above, each power of two
// [2^k, 2^(k+1)) is split into subBuckets equal parts.
func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	shift := bits.Len64(us) - subBits - 1 // so that us>>shift is in [subBuckets, 2·subBuckets)
	return (shift+1)*subBuckets + int(us>>shift) - subBuckets
}

// bucketTop is the largest microsecond value that falls in bucket i.
func bucketTop(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	shift := i/subBuckets - 1
	mantissa := uint64(i%subBuckets + subBuckets)
	return (mantissa+1)<<shift - 1
}
