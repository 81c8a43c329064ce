package argon2hash

import (
	"testing"

	"prana/auth/internal/app"
	"prana/auth/internal/app/apptest"
)

// The hasher keeps the contract of app.PasswordHasher, the same suite the
// app's fake keeps (apptest).
func TestHasherKeepsThePasswordHasherContract(t *testing.T) {
	t.Parallel()
	apptest.RunPasswordHasherContract(t, func(*testing.T) app.PasswordHasher { return newHasher() })
}

// The hasher keeps the contract of app.DecoyHasher too; the other settings
// are the seed's (passlib's).
func TestHasherKeepsTheDecoyHasherContract(t *testing.T) {
	t.Parallel()
	apptest.RunDecoyHasherContract(t, func(*testing.T) apptest.DecoyHasherUnderTest { return newHasher() }, passlibArgon2id)
}
