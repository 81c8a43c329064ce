package envconfig

import (
	"strings"
	"testing"
)

type sample struct {
	Port  int    `env:"SAMPLE_PORT" envDefault:"1"`
	On    bool   `env:"SAMPLE_ON"`
	Label string `env:"SAMPLE_LABEL" envDefault:"x"`
}

func TestParseNamesTheVariable(t *testing.T) {
	t.Setenv("SAMPLE_PORT", "five")
	t.Setenv("SAMPLE_ON", "perhaps")
	_, err := Parse[sample]()
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{"SAMPLE_PORT", "SAMPLE_ON"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "Port") && !strings.Contains(err.Error(), "SAMPLE_PORT") {
		t.Errorf("error names the Go field: %q", err)
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse[sample]()
	if err != nil || c.Port != 1 || c.Label != "x" {
		t.Fatalf("%+v %v", c, err)
	}
}
