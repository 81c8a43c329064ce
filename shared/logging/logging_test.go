package logging_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"prana/shared/logging"
)

type line struct {
	Level   string `json:"level"`
	Msg     string `json:"msg"`
	Service string `json:"service"`
	Key     string `json:"key"`
}

func lines(t *testing.T, out string) []line {
	t.Helper()
	var ls []line
	for _, s := range strings.Split(strings.TrimSpace(out), "\n") {
		if s == "" {
			continue
		}
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("not a JSON line: %q: %v", s, err)
		}
		ls = append(ls, l)
	}
	return ls
}

func TestJSONWithService(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logging.New(&buf, "info", "pdf").Info("started", "key", "value")
	ls := lines(t, buf.String())
	if len(ls) != 1 {
		t.Fatalf("%d lines, want 1", len(ls))
	}
	if got := ls[0]; got != (line{Level: "INFO", Msg: "started", Service: "pdf", Key: "value"}) {
		t.Errorf("line = %+v", got)
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		level string
		want  []string // the levels that get through
	}{
		{"debug", []string{"DEBUG", "INFO", "WARN", "ERROR"}},
		{"DEBUG", []string{"DEBUG", "INFO", "WARN", "ERROR"}},
		{"info", []string{"INFO", "WARN", "ERROR"}},
		{"warn", []string{"WARN", "ERROR"}},
		{"Warn", []string{"WARN", "ERROR"}},
		{"error", []string{"ERROR"}},
		{"", []string{"INFO", "WARN", "ERROR"}},
		{"verbose", []string{"INFO", "WARN", "ERROR"}},
		{"trace", []string{"INFO", "WARN", "ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			log := logging.New(&buf, tt.level, "auth")
			log.Debug("m")
			log.Info("m")
			log.Warn("m")
			log.Error("m")
			var got []string
			for _, l := range lines(t, buf.String()) {
				got = append(got, l.Level)
				if l.Service != "auth" {
					t.Errorf("line without service: %+v", l)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("level %q logged %v, want %v", tt.level, got, tt.want)
			}
		})
	}
}
