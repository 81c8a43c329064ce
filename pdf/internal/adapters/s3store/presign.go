package s3store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"prana/pdf/internal/domain"
)

// MaxPresignTTL is the longest a SigV4 presigned URL may live.
const MaxPresignTTL = 7 * 24 * time.Hour

// withPresignedURL replaces a job's stored URL with a GET URL signed now,
// for buckets that are not public. The record keeps the plain address, so
// no signature is ever stored and each status read gets a fresh one.
func (s *Store) withPresignedURL(ctx context.Context, j domain.Job) (domain.Job, error) {
	if s.presignTTL <= 0 || j.URL == "" {
		return j, nil
	}
	// A job's PDF is always its user's profile PDF (app.RequestUpload).
	key := domain.Profile{UserID: j.UserID}.ObjectKey()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := s3.NewPresignClient(s.client).PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	}, s3.WithPresignExpires(s.presignTTL))
	if err != nil {
		// Signing fails only when no credentials can be had.
		return domain.Job{}, fmt.Errorf("s3store: presign %s: %w", key, err)
	}
	j.URL = req.URL
	return j, nil
}
