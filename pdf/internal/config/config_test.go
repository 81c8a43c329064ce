package config

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultsMatchTheSeed(t *testing.T) {
	for _, k := range []string{"PDF_ADDR", "ALGORITHM", "AUTH_JWKS_URL", "SQS_QUEUE_NAME", "S3_BUCKET_NAME", "AWS_ENDPOINT_URL", "JWT_ISSUER", "JWT_AUDIENCE", "PDF_CACHE_BYTES"} {
		t.Setenv(k, "")
	}
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8002" || c.QueueName != "pdf-tasks" || c.BucketName != "user-pdfs" || c.Issuer != "prana-auth" || c.Audience != "prana" || c.PDFCacheBytes != 64<<20 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	cases := map[string]struct{ env map[string]string }{
		"ALGORITHM":                  {map[string]string{"ALGORITHM": "RS256"}},
		"SECRET_KEY":                 {map[string]string{"ALGORITHM": "HS256", "SECRET_KEY": "short"}},
		"AWS_ENDPOINT_URL":           {map[string]string{"AWS_ENDPOINT_URL": "localhost"}},
		"AUTH_JWKS_URL":              {map[string]string{"AUTH_JWKS_URL": "/relative"}},
		"WORKER_CONCURRENCY":         {map[string]string{"WORKER_CONCURRENCY": "many"}},
		"SQS_MAX_RECEIVE_COUNT":      {map[string]string{"SQS_MAX_RECEIVE_COUNT": "0"}},
		"S3_PRESIGN_TTL":             {map[string]string{"S3_PRESIGN_TTL": "200h"}},
		"PDF_CACHE_BYTES":            {map[string]string{"PDF_CACHE_BYTES": "-1"}},
		"AUTH_JWKS_REFETCH_INTERVAL": {map[string]string{"AUTH_JWKS_REFETCH_INTERVAL": "100ms"}},
		"PDF_RENDER_CONCURRENCY":     {map[string]string{"PDF_RENDER_CONCURRENCY": "-1"}},
		"PDF_RENDER_QUEUE":           {map[string]string{"PDF_RENDER_QUEUE": "0"}},
		"PDF_RENDER_MAX_WAIT":        {map[string]string{"PDF_RENDER_MAX_WAIT": "2h"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := Load()
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v does not name %s", err, name)
			}
		})
	}
}

func TestSeedModeHasNoIssuerOrAudience(t *testing.T) {
	t.Setenv("ALGORITHM", "HS256")
	t.Setenv("SECRET_KEY", "a-secret-of-this-deployment-0123456789")
	t.Setenv("JWT_ISSUER", "")
	t.Setenv("JWT_AUDIENCE", "")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "" || c.Audience != "" {
		t.Fatalf("HS256 mode defaults iss/aud to %q/%q; seed tokens carry none", c.Issuer, c.Audience)
	}
}

// TestFontDirs: the default covers Debian's font packages and the image's
// folder (the struct tag repeats DefaultFontDirs); a setting replaces it.
func TestFontDirs(t *testing.T) {
	t.Setenv("PDF_FONT_DIRS", "")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.FontDirs, DefaultFontDirs) {
		t.Errorf("default FontDirs = %q, want %q", c.FontDirs, DefaultFontDirs)
	}
	t.Setenv("PDF_FONT_DIRS", "/opt/fonts:/srv/fonts")
	if c, err = Load(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/opt/fonts", "/srv/fonts"}; !slices.Equal(c.FontDirs, want) {
		t.Errorf("FontDirs = %q, want %q", c.FontDirs, want)
	}
}

// TestHS256RefusesWeakSecrets: issue 15, finding 5. The example secret of
// .env.example and the seed's README forged tokens that opened any user's
// PDF; 16 bytes was the only rule.
func TestHS256RefusesWeakSecrets(t *testing.T) {
	for _, secret := range []string{"example_secret_key_hex_string", "sixteen-bytes-ok", strings.Repeat("s", 31)} {
		t.Setenv("ALGORITHM", "HS256")
		t.Setenv("SECRET_KEY", secret)
		_, err := Load()
		if err == nil {
			t.Errorf("SECRET_KEY %q accepted", secret)
			continue
		}
		for _, want := range []string{"SECRET_KEY", "openssl rand -base64 48"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("SECRET_KEY %q: error %q does not say %q", secret, err, want)
			}
		}
	}
	t.Setenv("SECRET_KEY", strings.Repeat("s", 32))
	if _, err := Load(); err != nil {
		t.Errorf("a 32-byte secret refused: %v", err)
	}
}
