package sqsqueue

import (
	"errors"
	"regexp"
	"testing"
)

// FuzzDecodeTask throws arbitrary message bodies at the decoder, as anyone
// able to send to the queue could. Whatever arrives: no panic; an error
// wraps ErrMalformed and its text (which reaches logs and the dead-letter
// queue) is plain words naming fields: no quotes, no JSON, bounded; an accepted task encodes to
// a body that decodes to the same task; lenientJobID returns "" or UUIDs.
func FuzzDecodeTask(f *testing.F) {
	for _, s := range []string{
		`{"id":"01a223d1-2cc4-76a2-ac40-11eb788dad42","name":"Іван","surname":"Петренко","email":"ivan@example.com","date_of_birth":"1990-04-01"}`,
		`{"id":"01a223d1-2cc4-76a2-ac40-11eb788dad42","name":"A","surname":"","email":"a@b","date_of_birth":"1990-04-01","job_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","requested_at":"2026-11-28T12:30:15.123456789Z"}`,
		`{"id":"../../etc/passwd","name":"x","surname":"y","email":"a@b","date_of_birth":"1990-04-01"}`,
		`{"id":"01a223d1-2cc4-76a2-ac40-11eb788dad42","name":" ","surname":"y","email":"a@b","date_of_birth":"1990-02-30"}`,
		`{"job_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}`, `{"job_id":7}`, `[]`, `null`, ``, `{`, `"x"`,
		`{"id":null,"name":null,"surname":null,"email":null,"date_of_birth":null}`,
		`{"id":"01A223D1-2CC4-76A2-AC40-11EB788DAD42","name":"\u0000","surname":"\ud800","email":"@","date_of_birth":"0000-01-01","requested_at":"0000-01-01T00:00:00+01:00"}`,
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, body string) {
		if user, id := lenientJobID(body); id != "" && !isUUID(id) || user != "" && !isUUID(user) {
			t.Fatalf("lenientJobID(%q) = %q, %q", body, user, id)
		}
		task, err := decodeTask(body)
		if err != nil {
			checkMalformed(t, body, err)
			return
		}
		again, err := encodeTask(task)
		if err != nil {
			t.Fatalf("encode %+v: %v", task, err)
		}
		back, err := decodeTask(again)
		if task.RequestedAt.UTC().Year() < 1 {
			return // a time before year 1 once in UTC has no RFC 3339 form
		}
		if err != nil || back.JobID != task.JobID || back.Profile != task.Profile || !back.RequestedAt.Equal(task.RequestedAt) {
			t.Fatalf("%q decodes to %+v, which encodes to %q, which decodes to %+v, %v", body, task, again, back, err)
		}
	})
}

// fieldTalk is what an error text may hold: words, field names, spaces.
var fieldTalk = regexp.MustCompile(`^[A-Za-z0-9_ ,:()-]*$`)

func checkMalformed(t *testing.T, body string, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("%q: %v, want ErrMalformed", body, err)
	}
	text := err.Error()
	if !fieldTalk.MatchString(text) || len(text) > 120 {
		t.Fatalf("%q: error text %q is not plain field talk", body, text)
	}
}
