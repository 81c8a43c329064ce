package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// spread is a figure measured over several runs: its median and range. Load figures are noisy on a shared
// machine, so one run proves little.
type spread struct {
	Median, Min, Max float64
}

// spreadOf summarises xs (at least one value).
func spreadOf(xs []float64) spread {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return spread{}
	}
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return spread{Median: med, Min: s[0], Max: s[n-1]}
}

// format renders "median (min–max) unit", or just "value unit" for one run, with f formatting each number.
func (s spread) format(f func(float64) string, unit string, runs int) string {
	if runs <= 1 {
		return f(s.Median) + unit
	}
	return fmt.Sprintf("%s%s (%s–%s)", f(s.Median), unit, f(s.Min), f(s.Max))
}

// num formats a count or rate with thousands separators and no decimals, except below 10.
func num(x float64) string {
	if x < 10 {
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", x), "0"), ".0")
	}
	s := fmt.Sprintf("%.0f", x)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ms formats a duration given in seconds as milliseconds, with precision suited to its size.
func ms(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
	default:
		return num(float64(d) / float64(time.Millisecond))
	}
}

// mib formats bytes as MiB.
func mib(b float64) string {
	return fmt.Sprintf("%.1f", b/(1<<20))
}
