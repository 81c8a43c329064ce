package arabicshape

// joining is how a letter connects to its neighbours (Unicode's
// ArabicShaping.txt, reduced to what the presentation forms can show).
type joining uint8

const (
	none  joining = iota // joins neither side: hamza, and everything not Arabic
	right                // joins only the letter before it (alef, dal, reh, waw…)
	dual                 // joins both sides (beh, seen, lam, meem…)
	cause                // tatweel and ZWJ: joins both sides, has no forms itself
)

// letter is one Arabic letter and its presentation forms. A right-joining
// letter has no initial or medial form (zero).
type letter struct {
	join                             joining
	isolated, final, initial, medial rune
}

// r2 and d4 build table rows from the first presentation form: the Unicode
// blocks list each letter's forms in the order isolated, final, initial,
// medial.
func r2(first rune) letter { return letter{right, first, first + 1, 0, 0} }
func d4(first rune) letter { return letter{dual, first, first + 1, first + 2, first + 3} }

// letters covers Arabic (U+0621–U+064A) and the letters Persian and Urdu add,
// with forms from Arabic Presentation Forms-A (U+FB50–U+FDFF) and -B
// (U+FE70–U+FEFF). A letter outside this table is left as it is.
var letters = map[rune]letter{
	0x0621: {join: none, isolated: 0xFE80}, // hamza
	0x0622: r2(0xFE81),                     // alef with madda above
	0x0623: r2(0xFE83),                     // alef with hamza above
	0x0624: r2(0xFE85),                     // waw with hamza above
	0x0625: r2(0xFE87),                     // alef with hamza below
	0x0626: d4(0xFE89),                     // yeh with hamza above
	0x0627: r2(0xFE8D),                     // alef
	0x0628: d4(0xFE8F),                     // beh
	0x0629: r2(0xFE93),                     // teh marbuta
	0x062A: d4(0xFE95),                     // teh
	0x062B: d4(0xFE99),                     // theh
	0x062C: d4(0xFE9D),                     // jeem
	0x062D: d4(0xFEA1),                     // hah
	0x062E: d4(0xFEA5),                     // khah
	0x062F: r2(0xFEA9),                     // dal
	0x0630: r2(0xFEAB),                     // thal
	0x0631: r2(0xFEAD),                     // reh
	0x0632: r2(0xFEAF),                     // zain
	0x0633: d4(0xFEB1),                     // seen
	0x0634: d4(0xFEB5),                     // sheen
	0x0635: d4(0xFEB9),                     // sad
	0x0636: d4(0xFEBD),                     // dad
	0x0637: d4(0xFEC1),                     // tah
	0x0638: d4(0xFEC5),                     // zah
	0x0639: d4(0xFEC9),                     // ain
	0x063A: d4(0xFECD),                     // ghain
	0x0640: {join: cause},                  // tatweel
	0x0641: d4(0xFED1),                     // feh
	0x0642: d4(0xFED5),                     // qaf
	0x0643: d4(0xFED9),                     // kaf
	0x0644: d4(0xFEDD),                     // lam
	0x0645: d4(0xFEE1),                     // meem
	0x0646: d4(0xFEE5),                     // noon
	0x0647: d4(0xFEE9),                     // heh
	0x0648: r2(0xFEED),                     // waw
	// Alef maksura is dual-joining in Unicode, but Forms-B give it only
	// isolated and final forms; in names it ends a word.
	0x0649: r2(0xFEEF), // alef maksura
	0x064A: d4(0xFEF1), // yeh
	0x0671: r2(0xFB50), // alef wasla
	0x0679: d4(0xFB66), // tteh (Urdu)
	0x067E: d4(0xFB56), // peh (Persian)
	0x0686: d4(0xFB7A), // tcheh (Persian)
	0x0688: r2(0xFB88), // ddal (Urdu)
	0x0691: r2(0xFB8C), // rreh (Urdu)
	0x0698: r2(0xFB8A), // jeh (Persian)
	0x06A9: d4(0xFB8E), // keheh (Persian kaf)
	0x06AF: d4(0xFB92), // gaf (Persian)
	0x06BA: r2(0xFB9E), // noon ghunna (Urdu)
	0x06BE: d4(0xFBAA), // heh doachashmee (Urdu)
	0x06C1: d4(0xFBA6), // heh goal (Urdu)
	0x06CC: d4(0xFBFC), // farsi yeh (Persian)
	0x06D2: r2(0xFBAE), // yeh barree (Urdu)
}

// lamAlef maps the alef that follows a lam to the ligature's isolated form;
// the final form is the next code point.
var lamAlef = map[rune]rune{
	0x0622: 0xFEF5, // lam with alef with madda above
	0x0623: 0xFEF7, // lam with alef with hamza above
	0x0625: 0xFEF9, // lam with alef with hamza below
	0x0627: 0xFEFB, // lam with alef
}

const (
	lam  = 0x0644
	zwj  = 0x200D // zero-width joiner: forces a join, then disappears
	zwnj = 0x200C // zero-width non-joiner: prevents a join, then disappears
)
