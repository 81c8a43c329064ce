package s3store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/uuid"

	"prana/pdf/internal/app"
)

// The per-user upload bookkeeping lives under limits/, which the bucket's
// lifecycle rule empties after a day: every replica reads and writes it,
// so a limit holds across replicas with no component beyond the bucket.
//
//   - limits/uploads/<user>/<minute>/<n>: one empty object per upload in
//     that minute, n from 0. Each is created with If-None-Match: *, so two
//     replicas can never both take slot n: a full minute holds exactly limit slots.
//   - limits/active/<user>.json: the user's current job, replaced with
//     If-Match on the ETag read (compare-and-swap).
const limitsPrefix = "limits/"

func uploadsPrefix(userID string) (string, bool) {
	u, err := uuid.Parse(userID)
	if err != nil {
		return "", false
	}
	return limitsPrefix + "uploads/" + u.String() + "/", true
}

func activeKey(userID string) (string, bool) {
	u, err := uuid.Parse(userID)
	if err != nil {
		return "", false
	}
	return limitsPrefix + "active/" + u.String() + ".json", true
}

// TakeUpload takes one of limit slots of userID's current window. It lists
// the window's slots first, so a user past the limit costs one call, and
// then creates the first free one; a slot another replica took meanwhile
// makes it try the next.
func (s *Store) TakeUpload(ctx context.Context, userID string, limit int, window time.Duration) (bool, time.Duration, error) {
	prefix, ok := uploadsPrefix(userID)
	if !ok {
		return false, 0, fmt.Errorf("s3store: take upload: user id is not a UUID")
	}
	now := s.clock().UTC()
	start := now.Truncate(window)
	retry := start.Add(window).Sub(now)
	prefix += start.Format("20060102T150405") + "/"
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(int32(limit)),
	})
	if err != nil {
		return false, 0, fmt.Errorf("s3store: list upload slots: %w", err)
	}
	for n := len(out.Contents); n < limit; n++ {
		err := s.putIf(ctx, prefix+strconv.Itoa(n), "application/octet-stream", nil, ifAbsent)
		if err == nil {
			return true, 0, nil
		}
		if !errors.Is(err, app.ErrConflict) {
			return false, 0, fmt.Errorf("s3store: take upload slot: %w", err)
		}
	}
	return false, retry, nil
}

// activeRecord is the stored form of an app.ActivePointer.
type activeRecord struct {
	JobID string    `json:"job_id"`
	Since time.Time `json:"since"`
}

// ActiveJob reads userID's current job pointer and its ETag.
func (s *Store) ActiveJob(ctx context.Context, userID string) (app.ActivePointer, bool, error) {
	key, ok := activeKey(userID)
	if !ok {
		return app.ActivePointer{}, false, fmt.Errorf("s3store: active job: user id is not a UUID")
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if isNotFound(err) {
		return app.ActivePointer{}, false, nil
	}
	if err != nil {
		return app.ActivePointer{}, false, fmt.Errorf("s3store: get active job: %w", err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, maxJobRecord))
	if err != nil {
		return app.ActivePointer{}, false, fmt.Errorf("s3store: read active job: %w", err)
	}
	var rec activeRecord
	if err := json.Unmarshal(body, &rec); err != nil {
		return app.ActivePointer{}, false, fmt.Errorf("s3store: decode active job: %w", err)
	}
	return app.ActivePointer{JobID: rec.JobID, Since: rec.Since, Version: aws.ToString(out.ETag)}, true, nil
}

// SetActiveJob writes next if the pointer still has prev's ETag (or, with
// none, still does not exist).
func (s *Store) SetActiveJob(ctx context.Context, userID string, prev, next app.ActivePointer) error {
	key, ok := activeKey(userID)
	if !ok {
		return fmt.Errorf("s3store: set active job: user id is not a UUID")
	}
	body, err := json.Marshal(activeRecord{JobID: next.JobID, Since: next.Since.UTC()})
	if err != nil {
		return fmt.Errorf("s3store: encode active job: %w", err)
	}
	cond := ifAbsent
	if prev.Version != "" {
		cond = condition{ifMatch: prev.Version}
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if err := s.putIf(ctx, key, "application/json", body, cond); err != nil {
		return fmt.Errorf("s3store: set active job: %w", err)
	}
	return nil
}

// ForgetUser deletes userID's upload slots and job pointer.
func (s *Store) ForgetUser(ctx context.Context, userID string) error {
	prefix, ok1 := uploadsPrefix(userID)
	key, ok2 := activeKey(userID)
	if !ok1 || !ok2 {
		return fmt.Errorf("s3store: forget user: user id is not a UUID")
	}
	if err := s.deletePrefix(ctx, prefix); err != nil {
		return err
	}
	return s.DeleteObject(ctx, key)
}

// condition is the precondition of a conditional PUT.
type condition struct {
	ifMatch  string // an ETag the current object must have
	ifAbsent bool   // the object must not exist (If-None-Match: *)
}

var ifAbsent = condition{ifAbsent: true}

// putIf writes an object only if cond holds; app.ErrConflict when it does
// not (S3 answers 412, or 409 when a concurrent conditional write won,
// and 404 for If-Match on an object deleted meanwhile).
func (s *Store) putIf(ctx context.Context, key, contentType string, body []byte, cond condition) error {
	in := &s3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), ContentType: aws.String(contentType),
	}
	if cond.ifAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if cond.ifMatch != "" {
		in.IfMatch = aws.String(cond.ifMatch)
	}
	_, err := s.client.PutObject(ctx, in)
	if err != nil && preconditionFailed(err) {
		return app.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

func preconditionFailed(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey":
			return true
		}
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		switch respErr.HTTPStatusCode() {
		case http.StatusPreconditionFailed, http.StatusConflict:
			return true
		}
	}
	return false
}

var _ app.UploadGuard = (*Store)(nil)
