// Package envfile reads a .env file into the process environment, the way
// the seed's docker-compose did: variables already set win over the file.
package envfile

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/joho/godotenv"
)

// Load reads path if it exists. A missing file is not an error; a file that
// cannot be parsed is.
func Load(path string) error {
	err := godotenv.Load(path)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("read %s: %w", path, err)
}
