package sqsqueue

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/shared/erasuremsg"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	want := sampleTask()
	body, err := encodeTask(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeTask(body)
	if err != nil {
		t.Fatal(err)
	}
	if got.JobID != want.JobID || got.Profile != want.Profile || !got.RequestedAt.Equal(want.RequestedAt) {
		t.Errorf("decode(encode(t)) = %+v, want %+v", got, want)
	}

	// The body is the seed's profile plus job_id and requested_at.
	var fields map[string]any
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"id": want.Profile.UserID, "name": "Іван", "surname": "Петренко", "email": "ivan@example.com",
		"date_of_birth": "1990-04-01", "job_id": want.JobID, "requested_at": "2026-11-28T12:30:15.123456789Z",
	} {
		if fields[k] != v {
			t.Errorf("body[%q] = %v, want %q", k, fields[k], v)
		}
	}
}

func TestDecodeTask(t *testing.T) {
	t.Parallel()
	const seed = `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-02-29"}`
	ok := []struct{ name, body string }{
		{"seed message", seed},
		{"with job", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"","email":"a@b","date_of_birth":"2000-02-29","job_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","requested_at":"2026-01-02T03:04:05+02:00"}`},
		{"extra fields", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-02-29","extra":1}`},
	}
	for _, tt := range ok {
		if _, err := decodeTask(tt.body); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	task, _ := decodeTask(seed)
	if task.JobID != "" || !task.RequestedAt.IsZero() {
		t.Errorf("seed message: JobID %q RequestedAt %v, want empty", task.JobID, task.RequestedAt)
	}
	if want := time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC); !task.Profile.DateOfBirth.Equal(want) {
		t.Errorf("date of birth = %v, want %v", task.Profile.DateOfBirth, want)
	}

	bad := []struct{ name, body string }{
		{"not JSON", `{"id":`},
		{"array", `[1,2]`},
		{"null", `null`},
		{"missing id", `{"name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01"}`},
		{"id not a UUID", `{"id":"42","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01"}`},
		{"id a number", `{"id":42,"name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01"}`},
		{"empty name", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":" ","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01"}`},
		{"missing surname", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","email":"ann@example.com","date_of_birth":"2000-01-01"}`},
		{"missing email", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","date_of_birth":"2000-01-01"}`},
		{"no date", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com"}`},
		{"not a real date", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2001-02-29"}`},
		{"date with time", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2001-02-01T00:00:00Z"}`},
		{"bad job id", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01","job_id":"x"}`},
		{"bad requested_at", `{"id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-01-01","requested_at":"yesterday"}`},
	}
	for _, tt := range bad {
		if _, err := decodeTask(tt.body); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error = %v, want ErrMalformed", tt.name, err)
		}
	}
}

func TestLenientJobID(t *testing.T) {
	t.Parallel()
	const id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	for body, want := range map[string]string{
		`{"job_id":"` + id + `","date_of_birth":"nope"}`: id,
		`{"job_id":"not-a-uuid"}`:                        "",
		`{"job_id":7}`:                                   "",
		`{"name":"x"}`:                                   "",
		`garbage`:                                        "",
	} {
		if _, got := lenientJobID(body); got != want {
			t.Errorf("lenientJobID(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestDecodeMessageErasure(t *testing.T) {
	t.Parallel()
	kind := func(v string) map[string]types.MessageAttributeValue {
		return map[string]types.MessageAttributeValue{erasuremsg.KindAttribute: {DataType: aws.String("String"), StringValue: aws.String(v)}}
	}
	const id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	task, err := decodeMessage(erasuremsg.Encode(strings.ToUpper(id)), kind(erasuremsg.KindEraseUser))
	if err != nil || task.EraseUserID != id || task.Profile.UserID != "" {
		t.Fatalf("erasure: %+v, %v", task, err)
	}
	for name, c := range map[string]struct {
		body  string
		attrs map[string]types.MessageAttributeValue
	}{
		"unknown kind":         {erasuremsg.Encode(id), kind("drop-tables")},
		"erasure without id":   {`{}`, kind(erasuremsg.KindEraseUser)},
		"erasure of a path":    {`{"user_id":"../profile_x"}`, kind(erasuremsg.KindEraseUser)},
		"render task, no kind": {erasuremsg.Encode(id), nil},
	} {
		if _, err := decodeMessage(c.body, c.attrs); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}

// A user id in capitals (a hand-made or foreign message) names the same
// user as the API's lower-case form: the PDF must land at the key the API
// reads, never at profile_01A2….pdf. Ids in other forms are refused, so the
// message goes to the dead-letter queue.
func TestDecodeTaskCanonicalUserID(t *testing.T) {
	t.Parallel()
	const (
		user = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
		job  = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	)
	body := `{"id":"` + strings.ToUpper(user) + `","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-02-29","job_id":"` + strings.ToUpper(job) + `"}`
	task, err := decodeTask(body)
	if err != nil {
		t.Fatal(err)
	}
	if task.Profile.UserID != user || task.JobID != job || task.Profile.ObjectKey() != "profile_"+user+".pdf" {
		t.Errorf("user %q job %q key %q, want the lower-case ids", task.Profile.UserID, task.JobID, task.Profile.ObjectKey())
	}
	if u, j := lenientJobID(body); u != user || j != job {
		t.Errorf("lenientJobID = %q, %q, want the lower-case ids", u, j)
	}
	for _, id := range []string{"{" + user + "}", "urn:uuid:" + user, strings.ReplaceAll(user, "-", ""), user + " "} {
		body := `{"id":"` + id + `","name":"Ann","surname":"Lee","email":"ann@example.com","date_of_birth":"2000-02-29"}`
		if _, err := decodeTask(body); !errors.Is(err, ErrMalformed) {
			t.Errorf("id %q: %v, want ErrMalformed", id, err)
		}
	}
}
