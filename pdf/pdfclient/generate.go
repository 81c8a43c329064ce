// Package pdfclient is a Go client for the pdf service, generated from
// api/pdf.yaml.
package pdfclient

//go:generate env GOWORK=off go tool -modfile=../../tools/go.mod oapi-codegen -config oapi-codegen.yaml ../../api/pdf.yaml
