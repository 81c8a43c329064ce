// Package sqsqueue carries upload tasks over Amazon SQS: it creates the queue
// and its dead-letter queue, publishes tasks, and consumes them with bounded
// concurrency, visibility extension and graceful shutdown.
package sqsqueue

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/pdf/internal/domain"
	"prana/shared/erasuremsg"
)

// ErrMalformed marks a message body that can never be processed. Its error
// texts name fields only, never values: they end up in logs and in the
// dead-letter queue's message attributes.
var ErrMalformed = errors.New("malformed task message")

// wireTask is the message body: the seed's profile JSON plus two optional
// fields the seed never sent.
type wireTask struct {
	ID          *string `json:"id"`
	Name        *string `json:"name"`
	Surname     *string `json:"surname"`
	Email       *string `json:"email"`
	DateOfBirth *string `json:"date_of_birth"`
	JobID       string  `json:"job_id,omitempty"`
	RequestedAt string  `json:"requested_at,omitempty"`
}

// encodeTask renders t as a message body.
func encodeTask(t domain.Task) (string, error) {
	p := t.Profile
	dob := p.DateOfBirth.Format(domain.DateLayout)
	w := wireTask{
		ID:          &p.UserID,
		Name:        &p.Name,
		Surname:     &p.Surname,
		Email:       &p.Email,
		DateOfBirth: &dob,
		JobID:       t.JobID,
	}
	if !t.RequestedAt.IsZero() {
		w.RequestedAt = t.RequestedAt.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return "", fmt.Errorf("encode task: %w", err)
	}
	return string(b), nil
}

// decodeTask is the one place a message body becomes a task. It accepts the
// seed's messages (no job_id, no requested_at) and is strict about the
// profile: any failure wraps ErrMalformed.
func decodeTask(body string) (domain.Task, error) {
	var w wireTask
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		// Not the JSON error itself: it may quote the body.
		return domain.Task{}, fmt.Errorf("%w: body is not a JSON object of the expected shape", ErrMalformed)
	}
	if w.ID == nil || !isUUID(*w.ID) {
		return domain.Task{}, fmt.Errorf("%w: id is missing or not a UUID", ErrMalformed)
	}
	if w.Name == nil || strings.TrimSpace(*w.Name) == "" {
		return domain.Task{}, fmt.Errorf("%w: name is missing", ErrMalformed)
	}
	if w.Surname == nil {
		return domain.Task{}, fmt.Errorf("%w: surname is missing", ErrMalformed)
	}
	if w.Email == nil || !strings.Contains(*w.Email, "@") {
		return domain.Task{}, fmt.Errorf("%w: email is missing or invalid", ErrMalformed)
	}
	if w.DateOfBirth == nil {
		return domain.Task{}, fmt.Errorf("%w: date_of_birth is missing", ErrMalformed)
	}
	dob, err := time.Parse(domain.DateLayout, *w.DateOfBirth)
	if err != nil {
		return domain.Task{}, fmt.Errorf("%w: date_of_birth is not a YYYY-MM-DD date", ErrMalformed)
	}
	if w.JobID != "" && !isUUID(w.JobID) {
		return domain.Task{}, fmt.Errorf("%w: job_id is not a UUID", ErrMalformed)
	}
	var requested time.Time
	if w.RequestedAt != "" {
		if requested, err = time.Parse(time.RFC3339Nano, w.RequestedAt); err != nil {
			return domain.Task{}, fmt.Errorf("%w: requested_at is not an RFC 3339 time", ErrMalformed)
		}
	}
	return domain.Task{
		JobID: strings.ToLower(w.JobID),
		Profile: domain.Profile{
			// Lower-cased: the API writes keys from the canonical form, so
			// "profile_01A2….pdf" would be a key nothing ever reads.
			UserID:      strings.ToLower(*w.ID),
			Name:        *w.Name,
			Surname:     *w.Surname,
			Email:       *w.Email,
			DateOfBirth: dob,
		},
		RequestedAt: requested,
	}, nil
}

// lenientJobID digs the user and job ids out of a body decodeTask refused,
// so that the app can still mark that job failed. Each is "" when absent.
func lenientJobID(body string) (userID, jobID string) {
	var w struct {
		ID    any `json:"id"`
		JobID any `json:"job_id"`
	}
	if json.Unmarshal([]byte(body), &w) != nil {
		return "", ""
	}
	if id, ok := w.ID.(string); ok && isUUID(id) {
		userID = strings.ToLower(id)
	}
	if id, ok := w.JobID.(string); ok && isUUID(id) {
		jobID = strings.ToLower(id)
	}
	return userID, jobID
}

// decodeMessage is the task a message carries: an erasure when its kind
// attribute says so (the auth service's), a render task otherwise (ours,
// and the seed's, which have no attributes).
func decodeMessage(body string, attrs map[string]types.MessageAttributeValue) (domain.Task, error) {
	if kind := aws.ToString(attrs[erasuremsg.KindAttribute].StringValue); kind != "" {
		if kind != erasuremsg.KindEraseUser {
			return domain.Task{}, fmt.Errorf("%w: unknown message kind", ErrMalformed)
		}
		id, err := erasuremsg.Decode(body)
		if err != nil {
			return domain.Task{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return domain.Task{EraseUserID: id}, nil
	}
	return decodeTask(body)
}

// isUUID accepts the canonical 36-character form only: ids end up in object
// keys and must match what the API computed from the token.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}
