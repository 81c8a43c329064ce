package s3store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// How long S3 keeps what the service writes besides the PDFs: a job
// record is worth reading for a few days after its upload; the upload
// bookkeeping (limits/) matters for minutes. Without these rules every
// upload would leave objects behind for ever.
const (
	JobRecordDays = 7
	LimitsDays    = 1
)

// lifecycleRules expire job records and upload bookkeeping. Legacy records
// (jobs/<id>.json) share the jobs/ prefix and expire with them.
func lifecycleRules() []types.LifecycleRule {
	rule := func(id, prefix string, days int32) types.LifecycleRule {
		return types.LifecycleRule{
			ID:         aws.String(id),
			Status:     types.ExpirationStatusEnabled,
			Filter:     &types.LifecycleRuleFilter{Prefix: aws.String(prefix)},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(days)},
		}
	}
	return []types.LifecycleRule{
		rule("prana-job-records", "jobs/", JobRecordDays),
		rule("prana-upload-limits", limitsPrefix, LimitsDays),
	}
}

// putLifecycle sets the bucket's lifecycle rules (s3:PutLifecycleConfiguration).
func (s *Store) putLifecycle(ctx context.Context) error {
	_, err := s.client.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                 aws.String(s.bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: lifecycleRules()},
	})
	if err != nil {
		return fmt.Errorf("s3store: put lifecycle rules on %s: %w", s.bucket, err)
	}
	return nil
}
