// Package migrations holds the database migrations (goose, SQL), embedded
// from this one folder so that the binary that applies them and sqlc, which
// reads them as the schema, see the same files.
package migrations

import "embed"

// FS holds every migration, *.sql at its root.
//
//go:embed *.sql
var FS embed.FS
