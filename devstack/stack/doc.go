// Package stack holds the pieces that run the Prana system locally, shared by prana-dev (`make run`) and
// prana-bench (`make bench`): the S3+SQS emulator behind a fixed address, and a supervisor for the service
// processes whose output lines go, prefixed with their source, to one console.
package stack
