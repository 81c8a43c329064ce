package awsstack

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// sdkLogger routes the AWS SDK's own messages (e.g. "failed to discard
// remaining HTTP response body" when a connection is cut at shutdown) into
// the process's JSON log. Left alone, the SDK prints them to stderr in a
// format of its own, breaking the one-JSON-object-per-line log.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	l.log.Log(context.Background(), level, "aws sdk: "+fmt.Sprintf(format, v...))
}

// withSDKLogger is the config option that installs it.
func withSDKLogger(log *slog.Logger) func(*config.LoadOptions) error {
	return config.WithLogger(sdkLogger{log})
}
