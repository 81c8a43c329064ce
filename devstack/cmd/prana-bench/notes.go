package main

import "strings"

// joinNotes joins reasons for a miss into one sentence.
func joinNotes(why []string) string {
	return strings.Join(why, "; ") + "."
}

// limitNotes say what profiling showed to limit a figure, keyed by a word of the figure's name. They are written
// by whoever profiles a miss, and printed only while the figure misses.
var limitNotes = map[string]string{}

// limitNote returns the profiling note for a figure, if any, as a sentence to append.
func limitNote(name string) string {
	for key, note := range limitNotes {
		if strings.Contains(name, key) {
			return " " + note
		}
	}
	return ""
}
