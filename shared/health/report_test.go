package health

import (
	"context"
	"errors"
	"testing"

	"prana/shared/apicommon"
)

func TestReport(t *testing.T) {
	up := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("refused") }

	h, ok := Checks{"postgres": up}.Report(context.Background())
	if !ok || h.Status != apicommon.HealthStatusOk || h.Checks == nil || (*h.Checks)["postgres"] != "ok" {
		t.Errorf("all up: %+v %v, want ok with postgres ok", h, ok)
	}
	h, ok = Checks{"sqs": up, "s3": down}.Report(context.Background())
	if ok || h.Status != apicommon.HealthStatusUnavailable || (*h.Checks)["s3"] != "unavailable" || (*h.Checks)["sqs"] != "ok" {
		t.Errorf("one down: %+v %v, want unavailable naming s3", h, ok)
	}
	if a := Alive(); a.Status != apicommon.HealthStatusOk || a.Checks != nil {
		t.Errorf("Alive() = %+v, want ok without checks", a)
	}
}
