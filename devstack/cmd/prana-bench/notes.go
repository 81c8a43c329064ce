package main

import "strings"

// joinNotes joins reasons for a miss into one sentence.
func joinNotes(why []string) string {
	return strings.Join(why, "; ") + "."
}

// limitNotes say what profiling showed to limit a figure, keyed by a word of the figure's name. They are written
// by whoever profiles a miss, and printed only while the figure misses.
var limitNotes = map[string]string{
	"none cached": "Profiling (go test -bench RenderDistinct -cpuprofile/-memprofile): a render is about 1 ms of CPU, " +
		"86% of its 1.9 MB of allocations being the zlib compressor gopdf makes for each embedded font subset " +
		"(no way to reuse one); with 50 requests in flight on two cores they queue behind the renders. " +
		"Repeat downloads are served from the PDF cache (the rows above).",
	"wrong-signature": "Ed25519 verification is about half of a rejection's CPU; failed verifications are never " +
		"cached (a cache of failures would be an attacker's to fill).",
	"hash parameters": "The gate admits one hash per core; what auth does not get of the two cores goes to the " +
		"generator, PostgreSQL and the emulator running beside it (runs vary by about ±4%).",
	"seed's parameters": "The gate admits one hash per core; what auth does not get of the two cores goes to the " +
		"generator, PostgreSQL and the emulator running beside it (runs vary by about ±4%).",
	"fallback fonts": "Each fallback font adds a font subset to the document, deflated by a compressor of its " +
		"own (gopdf allocates about 1 MB for each): a CJK or Arabic profile embeds three fonts, the mixed-script " +
		"one seven. The fallback fonts are first cut down to the document's glyphs (gopdfrender/ttfsubset); " +
		"without that a CJK profile took 16.5 ms and 60.4 KB, as gopdf writes tables sized by the whole font " +
		"(49,382 glyphs) into every document. Compare with the distinct-profile render of the same run, which " +
		"has only the two Go fonts: the machine's load moves both.",
	"resident memory": "The services' own (anonymous) memory is the smaller part; the rest is resident pages of " +
		"the program file itself (the AWS SDK, the embedded Swagger UI), shown as anon + file in the value.",
}

// limitNote returns the profiling note for a figure, if any, as a sentence to append.
func limitNote(name string) string {
	for key, note := range limitNotes {
		if strings.Contains(name, key) {
			return " " + note
		}
	}
	return ""
}
