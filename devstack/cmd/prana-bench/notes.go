package main

import "strings"

// joinNotes joins reasons for a miss into one sentence.
func joinNotes(why []string) string {
	return strings.Join(why, "; ") + "."
}

// limitNotes say what profiling showed to limit a figure, keyed by a word of the figure's name. They are written
// by whoever profiles a miss, and printed only while the figure misses.
var limitNotes = map[string]string{
	"none cached": "Renders queue first come first served, one per core (PDF_RENDER_CONCURRENCY), so the tail is " +
		"queueing: with 50 requests in flight, p99 is about 50 ÷ the rate, and the rate is bound by the CPU of a " +
		"render (the next rows). Repeat downloads are served from the PDF cache (the rows above).",
	"memory allocated": "gopdf v0.33.0 (the newest the module proxy serves) deflates each embedded font with a " +
		"fresh compress/zlib writer at the default level and offers no hook to reuse one: 0.81 MB each, 92% of a " +
		"Latin render's 1.77 MB (go test -bench BenchmarkRenderDistinct -memprofile). A Latin profile embeds two " +
		"fonts (Go Regular and Go Bold), so at least 1.63 MB, and a document with a single font would still " +
		"allocate 0.81 MB; a CJK or Arabic profile embeds three (2.44 MB). The rest of a render is about 0.14 MB. " +
		"Only a change in gopdf can meet this target: a pooled zlib.Writer, Reset for each font, allocates " +
		"nothing (deflating 14 KB: 401 µs and 814 KB fresh, 163 µs and 0 B reused).",
	"uncached download": "Most of a render is gopdf embedding the two font subsets (PdfDictionaryObj.write): a " +
		"fresh 0.8 MB compressor per font, allocated, zeroed and faulted in, then deflating the subset. " +
		"Two changes of 2026-12-06 cut it: the fonts are embedded without TrueType hinting and Go Bold with " +
		"only the characters of the headings (gopdfrender/ttfsubset), so a Latin profile deflates 9.9 KB of " +
		"font instead of 26.5 KB (PDF 20.7 → 12.4 KB); and the collector runs at GOGC 100 over a 64 MiB " +
		"ballast (pdf/cmd/internal/gctune), whose steady heap goal stops the runtime from returning pages " +
		"that the next compressors fault in again. Paired make bench runs: 1,057–1,168 µs before the ballast, " +
		"790–895 µs with it; 1,431 µs before both (2026-12-06 03:19, another machine). What is left (perf " +
		"record -F 999 -g -p PID for 10 s in this phase, 2026-12-06 05:30): gopdf's font embedding 56% of the " +
		"CPU, of which the fixed cost of its two compressors (allocating and zeroing 0.8 MB each, building " +
		"Huffman tables) is about 35% and deflating the bytes about 20%; page faults 1.8% (7.6% before), the " +
		"collector's marking 4.4% (about 11% before). Only a gopdf that reused its compressors would take " +
		"the fixed part away.",
	"share of the floor": "A perf profile of the pdf process in this phase (perf record -F 1999 -g -p PID for 8 s, " +
		"2026-12-06 05:30) puts 35% of its CPU in writing the response and 11% in reading the request, " +
		"which the floor pays too. What the floor does not do comes to about a quarter of the service's CPU " +
		"per request: the access log line (formatting and its own write to standard output) 9%, the bearer " +
		"check (a SHA-256 of the token and a lookup in the verified-token cache) 9%, the response headers " +
		"(security, request id, ETag, caching) 5%, metrics 2%, the request id 2%. Every production request " +
		"needs each of them, and none is large enough alone to close the gap; on the machine of 2026-12-05 " +
		"the share was 0.78, where the floor was slower.",
	"wrong-signature": "The verifier checks the signature (crypto/ed25519) before it decodes anything but the header's alg " +
		"and kid; failed verifications are never cached (a cache of failures would be an attacker's to fill). " +
		"In process (BenchmarkRejectWrongSignature, make bench 2026-12-06 05:14) an EdDSA rejection costs " +
		"65 µs and an HS256 one 14 µs: the 51 µs between them is the one verification, the rest is the HTTP " +
		"stack both share. Over loopback an HS256 rejection took 104 µs of the two cores' time (2 cores ÷ " +
		"19,150 req/s, generator included), so one verification caps the share near 104 ÷ (104 + 51) = 0.67 " +
		"here (0.71 on the machine of 2026-12-05); only a cheaper Ed25519 verification than the standard " +
		"library's could close the gap.",
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
