// Command specbundle writes a service's OpenAPI spec as one self-contained
// JSON document: the refs into api/common.yaml are internalized and the
// servers list is "/" (relative to wherever the document is served). The
// services embed this file, so their binaries need no OpenAPI library to
// serve /openapi.json or to find the operations that need a token.
//
//	specbundle api/auth.yaml auth/internal/adapters/httpapi/openapi.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: specbundle SPEC.yaml OUT.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "specbundle:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	doc, err := bundle(context.Background(), in)
	if err != nil {
		return err
	}
	return os.WriteFile(out, doc, 0o644)
}

// bundle loads the spec at path with its external refs, internalizes them
// and encodes the result. json.Marshal sorts map keys, so the output is the
// same byte for byte on every run: `make verify` relies on that.
func bundle(ctx context.Context, path string) ([]byte, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	spec, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := spec.Validate(ctx); err != nil {
		return nil, fmt.Errorf("validate %s: %w", path, err)
	}
	spec.InternalizeRefs(ctx, nil)
	spec.Servers = openapi3.Servers{{URL: "/"}}
	compact, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", path, err)
	}
	// Indented, so that a spec change shows as a readable diff.
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
