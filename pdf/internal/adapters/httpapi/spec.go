package httpapi

import (
	"bytes"
	_ "embed"
)

// specJSON is api/pdf.yaml as one self-contained JSON document, written by
// `make generate` (tools/specbundle). Embedding it rather than the
// generated GetSwagger keeps kin-openapi out of the binary: decoding it
// needs only encoding/json.
//
//go:embed openapi.json
var specJSON []byte

// SpecJSON returns the bundled OpenAPI document the service serves at
// /openapi.json.
func SpecJSON() []byte {
	return bytes.Clone(specJSON)
}
