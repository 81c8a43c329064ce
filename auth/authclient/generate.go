// Package authclient is a Go client for the auth service, generated from
// api/auth.yaml.
package authclient

//go:generate env GOWORK=off go tool -modfile=../../tools/go.mod oapi-codegen -config oapi-codegen.yaml ../../api/auth.yaml
