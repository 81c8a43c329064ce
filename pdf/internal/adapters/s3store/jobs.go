package s3store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"prana/pdf/internal/domain"
)

// maxJobRecord caps how much of a job object is read: a record is a few
// hundred bytes, anything far larger is not ours.
const maxJobRecord = 64 << 10

// jobRecord is the stored form of a domain.Job. Its JSON names are a storage
// format: change them only with a migration.
type jobRecord struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Status    string    `json:"status"`
	URL       string    `json:"url,omitempty"`
	Error     string    `json:"error,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

func recordFromJob(j domain.Job) jobRecord {
	return jobRecord{
		ID:        j.ID,
		UserID:    j.UserID,
		Status:    string(j.Status),
		URL:       j.URL,
		Error:     j.Error,
		UpdatedAt: j.UpdatedAt.UTC(),
	}
}

func (r jobRecord) job() domain.Job {
	return domain.Job{
		ID:        r.ID,
		UserID:    r.UserID,
		Status:    domain.JobStatus(r.Status),
		URL:       r.URL,
		Error:     r.Error,
		UpdatedAt: r.UpdatedAt,
	}
}

// jobKey is where the record of job id lives. Only a parsed UUID, in its
// canonical form, reaches the key, so that no caller-supplied text does and
// "ABC…" finds the record saved as "abc…".
func jobKey(id string) (string, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	return "jobs/" + u.String() + ".json", true
}

// SaveJob writes the job's record, replacing any earlier one.
func (s *Store) SaveJob(ctx context.Context, j domain.Job) error {
	key, ok := jobKey(j.ID)
	if !ok {
		return fmt.Errorf("s3store: save job: id is not a UUID")
	}
	body, err := json.Marshal(recordFromJob(j))
	if err != nil {
		return fmt.Errorf("s3store: save job %s: %w", j.ID, err)
	}
	if err := s.put(ctx, key, "application/json", body); err != nil {
		return fmt.Errorf("s3store: save job: %w", err)
	}
	return nil
}

// Job reads the record of job id. A missing record, or an id that is not a
// UUID, is domain.ErrJobNotFound. With Config.PresignTTL the URL is a fresh
// presigned one.
func (s *Store) Job(ctx context.Context, id string) (domain.Job, error) {
	key, ok := jobKey(id)
	if !ok {
		return domain.Job{}, domain.ErrJobNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()

	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		if isNotFound(err) {
			return domain.Job{}, domain.ErrJobNotFound
		}
		return domain.Job{}, fmt.Errorf("s3store: get job %s: %w", id, err)
	}
	defer out.Body.Close()

	body, err := io.ReadAll(io.LimitReader(out.Body, maxJobRecord))
	if err != nil {
		return domain.Job{}, fmt.Errorf("s3store: read job %s: %w", id, err)
	}
	var rec jobRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		return domain.Job{}, fmt.Errorf("s3store: decode job %s: %w", id, err)
	}
	return s.withPresignedURL(ctx, rec.job())
}
