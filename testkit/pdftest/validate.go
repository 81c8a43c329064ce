package pdftest

import (
	"bytes"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfcpu reads and writes a configuration directory under the user's
// home unless told not to, once per process.
var noConfigDir sync.Once

// Validate fails the test unless pdfcpu accepts the document in both its
// relaxed and its strict validation modes: a structural check that
// poppler's lenient reading (Text) would not make.
func Validate(t testing.TB, pdf []byte) {
	t.Helper()
	noConfigDir.Do(api.DisableConfigDir)
	for _, mode := range []int{model.ValidationRelaxed, model.ValidationStrict} {
		conf := model.NewDefaultConfiguration()
		conf.ValidationMode = mode
		if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
			t.Errorf("pdfcpu validation (%s): %v", conf.ValidationModeString(), err)
		}
	}
}
