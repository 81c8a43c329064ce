// Package apimodels holds the Go types of api/common.yaml (Problem,
// FieldError, Health) for the generated clients, authclient and pdfclient.
// It is generated and imports nothing beyond the standard library: run
// `make generate` after editing api/common.yaml.
package apimodels

//go:generate env GOWORK=off go tool -modfile=../../tools/go.mod oapi-codegen -config oapi-codegen.yaml ../../api/common.yaml
