package awsstack

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	smithylog "github.com/aws/smithy-go/logging"

	"prana/shared/logging"
)

// The SDK's own warnings land in the JSON log as one object a line.
func TestSDKLoggerWritesJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sdkLogger{logging.New(&buf, "info", "pdf-worker")}.Logf(smithylog.Warn, "failed to discard %s", "body")
	var rec struct{ Level, Msg string }
	line := strings.TrimSpace(buf.String())
	if err := json.Unmarshal([]byte(line), &rec); err != nil || strings.Contains(line, "\n") {
		t.Fatalf("not one JSON line: %q (%v)", line, err)
	}
	if rec.Level != "WARN" || rec.Msg != "aws sdk: failed to discard body" {
		t.Errorf("logged %+v", rec)
	}
}
