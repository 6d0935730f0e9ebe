package mcp

import "time"

// SetStopGrace shortens the stdio stop escalation for a test.
func SetStopGrace(d time.Duration) (restore func()) {
	old := stopGrace
	stopGrace = d
	return func() { stopGrace = old }
}
