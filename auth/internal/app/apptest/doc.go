// Package apptest is the auth app's test kit: in-memory fakes of the ports
// declared in package app, and one behavioural contract suite per port.
// Each suite runs against the fake (in this package's tests) and against
// the real adapter on PostgreSQL (in the adapter's tests), so a fake cannot
// drift from what it stands for. Import it only from _test.go files.
package apptest
