package httpapi

//go:generate env GOWORK=off go tool -modfile=../../../../tools/go.mod oapi-codegen -config oapi-codegen.yaml ../../../../api/pdf.yaml
