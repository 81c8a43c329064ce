package health

import (
	"context"

	"prana/shared/apicommon"
)

// Report runs the checks and returns the /readyz document both services'
// specs share (common.yaml's Health), and whether every check passed: the
// caller answers it with 200 or 503.
func (c Checks) Report(ctx context.Context) (apicommon.Health, bool) {
	checks, ok := c.Run(ctx)
	status := apicommon.HealthStatusOk
	if !ok {
		status = apicommon.HealthStatusUnavailable
	}
	return apicommon.Health{Status: status, Checks: &checks}, ok
}

// Alive is the /healthz document: the process serves requests.
func Alive() apicommon.Health {
	return apicommon.Health{Status: apicommon.HealthStatusOk}
}
