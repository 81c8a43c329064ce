// Package logging builds the JSON slog logger every Prana process uses.
package logging

import (
	"io"
	"log/slog"
	"strings"
)

// New returns a JSON logger at the named level (debug, info, warn, error;
// anything else is info), tagged with the service name.
func New(w io.Writer, level, service string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})).With("service", service)
}
