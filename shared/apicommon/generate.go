// Package apicommon holds the Go types of api/common.yaml, the schemas and
// error responses that the auth and pdf specs share (Problem, FieldError,
// Health, the problem+json error responses). It is generated: run `make
// generate` after editing api/common.yaml.
package apicommon

//go:generate env GOWORK=off go tool -modfile=../../tools/go.mod oapi-codegen -config oapi-codegen.yaml ../../api/common.yaml
