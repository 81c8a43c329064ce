package gopdfrender_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"prana/pdf/internal/domain"
)

// maxPDFBytes bounds a profile document: about 24 KB usually, and the
// values are truncated, so any input stays far below this.
const maxPDFBytes = 256 << 10

// FuzzRender draws arbitrary Unicode (valid or not) in every field, with
// the fallback fonts loaded (newRenderer). Whatever
// arrives: no panic, no error, one PDF document of bounded size. (Text
// extraction is checked in text_test.go; it is too slow to run per input.)
func FuzzRender(f *testing.F) {
	p := sampleProfile()
	f.Add(p.Name, p.Surname, p.Email, p.UserID, int64(0))
	f.Add("Іван", "Петренко", "ivan@example.com", "01a223d1-2cc4-76a2-ac40-11eb788dad42", int64(-5364662400))
	f.Add("Zoë Ñúñez", "Γιώργος", "zoë@example.com", "", int64(946684800))
	f.Add("李小龙", "😀🎉", "\x00\x1b[31m", "\xff\xfe", int64(253402300799))
	f.Add("\u202eevil\u202c", "a\u0301\u0301\u0301", "\t\r\n", "(\\) <</Type/Catalog>>", int64(1))
	f.Add(string(bytes.Repeat([]byte("W"), 5000)), "", "", "", int64(-62135596800))
	f.Add("محمد لا (علي)", "Dana דנה 12", "花子@例え.jp", "김민준 ★ ễ", int64(0))
	f.Add(strings.Repeat("王", 300), strings.Repeat("ل\u200dا", 100), "َ́", "ि्र", int64(7))
	r, _ := newRenderer(f)

	f.Fuzz(func(t *testing.T, name, surname, email, id string, dob int64) {
		p := domain.Profile{UserID: id, Name: name, Surname: surname, Email: email, DateOfBirth: time.Unix(dob, 0).UTC()}
		pdf, err := r.Render(context.Background(), p, generatedAt)
		if err != nil {
			t.Fatalf("Render(%+v): %v", p, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(pdf, "\r\n"), []byte("%%EOF")) {
			t.Fatalf("Render(%+v): not a PDF: %.40q … %q", p, pdf, pdf[max(0, len(pdf)-16):])
		}
		if len(pdf) > maxPDFBytes {
			t.Fatalf("Render(%+v): %d bytes, want at most %d", p, len(pdf), maxPDFBytes)
		}
		if n := bytes.Count(pdf, []byte("%%EOF")); n != 1 {
			t.Fatalf("Render(%+v): %d %%%%EOF markers: the values broke out of their strings", p, n)
		}
	})
}
