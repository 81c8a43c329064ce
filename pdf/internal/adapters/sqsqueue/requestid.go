package sqsqueue

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"prana/shared/requestid"
)

// AttrRequestID is the message attribute carrying the X-Request-ID of the
// API call that queued a task, so the worker's log lines for the job can be
// matched to the request's. The body stays the seed's format: the seed's
// worker ignores attributes, and its messages have none.
const AttrRequestID = "prana-request-id"

// requestIDAttributes carries ctx's request id, if any, as message
// attributes.
func requestIDAttributes(ctx context.Context) map[string]types.MessageAttributeValue {
	id := requestid.FromContext(ctx)
	if id == "" {
		return nil
	}
	return map[string]types.MessageAttributeValue{
		AttrRequestID: {DataType: aws.String("String"), StringValue: aws.String(id)},
	}
}

// requestIDOf reads the request id m carries; "" when it has none or one
// that is not a sane id (anyone who can send to the queue can set it).
func requestIDOf(m types.Message) string {
	a, ok := m.MessageAttributes[AttrRequestID]
	if !ok {
		return ""
	}
	if id := aws.ToString(a.StringValue); requestid.Valid(id) {
		return id
	}
	return ""
}
