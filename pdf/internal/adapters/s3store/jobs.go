package s3store

import (
	"context"
	"encoding/json"
	"errors"
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

// jobKey is where the record of a job lives: under its user, so that an
// erasure finds every record of the user with one listing. Only parsed
// UUIDs, in canonical form, reach the key, so that no caller-supplied text
// does and "ABC…" finds the record saved as "abc…".
func jobKey(userID, id string) (string, bool) {
	prefix, ok := userJobsPrefix(userID)
	j, err := uuid.Parse(id)
	if !ok || err != nil {
		return "", false
	}
	return prefix + j.String() + ".json", true
}

// legacyJobKey is where releases before per-user keys kept a record.
func legacyJobKey(id string) string { return "jobs/" + id + ".json" }

func userJobsPrefix(userID string) (string, bool) {
	u, err := uuid.Parse(userID)
	if err != nil {
		return "", false
	}
	return "jobs/" + u.String() + "/", true
}

// SaveJob writes the job's record, replacing any earlier one.
func (s *Store) SaveJob(ctx context.Context, j domain.Job) error {
	key, ok := jobKey(j.UserID, j.ID)
	if !ok {
		return fmt.Errorf("s3store: save job: job or user id is not a UUID")
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

// Job reads the record of one of userID's jobs. A missing record, or an id
// that is not a UUID, is domain.ErrJobNotFound. With Config.PresignTTL the
// URL is a fresh presigned one. A record an older release wrote (at
// jobs/<id>.json) is still found.
func (s *Store) Job(ctx context.Context, userID, id string) (domain.Job, error) {
	key, ok := jobKey(userID, id)
	if !ok {
		return domain.Job{}, domain.ErrJobNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	rec, err := s.readJob(ctx, key)
	if errors.Is(err, domain.ErrJobNotFound) {
		rec, err = s.readJob(ctx, legacyJobKey(uuid.MustParse(id).String())) // jobKey parsed it
	}
	if err != nil {
		return domain.Job{}, err
	}
	return s.withPresignedURL(ctx, rec.job())
}

func (s *Store) readJob(ctx context.Context, key string) (jobRecord, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		if isNotFound(err) {
			return jobRecord{}, domain.ErrJobNotFound
		}
		return jobRecord{}, fmt.Errorf("s3store: get job: %w", err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, maxJobRecord))
	if err != nil {
		return jobRecord{}, fmt.Errorf("s3store: read job: %w", err)
	}
	var rec jobRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		return jobRecord{}, fmt.Errorf("s3store: decode job: %w", err)
	}
	return rec, nil
}

// DeleteJobsOf deletes every job record of userID. Deleting what is gone
// is not an error.
func (s *Store) DeleteJobsOf(ctx context.Context, userID string) error {
	prefix, ok := userJobsPrefix(userID)
	if !ok {
		return fmt.Errorf("s3store: delete jobs: user id is not a UUID")
	}
	return s.deletePrefix(ctx, prefix)
}

// deletePrefix deletes every object whose key starts with prefix.
func (s *Store) deletePrefix(ctx context.Context, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("s3store: list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			if err := s.DeleteObject(ctx, aws.ToString(o.Key)); err != nil {
				return err
			}
		}
	}
	return nil
}
