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
	"Japanese name": cjkFontNote,
	"mixed-script":  cjkFontNote,
	"Arabic name": "The Arabic font adds a third font subset to the document (NotoSansArabic, 1,648 glyphs), " +
		"deflated per document like the Go fonts; compare with the distinct-profile render of the same run, " +
		"which has only the two Go fonts.",
	"resident memory": "The services' own (anonymous) memory is the smaller part; the rest is resident pages of " +
		"the program file itself (the AWS SDK, the embedded Swagger UI), shown as anon + file in the value.",
}

// cjkFontNote explains the cost of the CJK fallback fonts.
const cjkFontNote = "Profiling (go test -bench RenderScripts/CJK -cpuprofile): about 90% of the time is " +
	"deflating the embedded CJK font. gopdf writes the font's whole hmtx and loca tables, sized by its glyph " +
	"count (DroidSansFallbackFull 49,382 glyphs, NanumGothic 20,138), however few glyphs the document uses, " +
	"and compresses them for every document. Subsetting the font ourselves (renumbering its glyphs) before " +
	"gopdf sees it would remove that cost; repeat downloads are served from the PDF cache."

// limitNote returns the profiling note for a figure, if any, as a sentence to append.
func limitNote(name string) string {
	for key, note := range limitNotes {
		if strings.Contains(name, key) {
			return " " + note
		}
	}
	return ""
}
