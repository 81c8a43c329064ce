package erasuremsg

import (
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	id := "0192E4C5-7A8B-7C3D-9E0F-1A2B3C4D5E6F"
	got, err := Decode(Encode(id))
	if err != nil || got != "0192e4c5-7a8b-7c3d-9e0f-1a2b3c4d5e6f" {
		t.Fatalf("Decode(Encode) = %q, %v", got, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, b := range []string{"", "{}", `{"user_id":""}`, `{"user_id":"../etc"}`, `{"user_id":1}`, "not json",
		`{"user_id":"0192e4c5-7a8b-7c3d-9e0f-1a2b3c4d5e6f/x"}`} {
		if _, err := Decode(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode(%q): %v, want ErrMalformed", b, err)
		}
	}
}
