package logtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// jwtPattern matches a compact JWS whose header and payload are JSON
// objects: any access token, whoever issued it.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.`)

// phcMarker starts every argon2 hash in PHC form ($argon2id$v=19$...).
const phcMarker = "$argon2"

// Scan checks log output line by line and returns what is wrong with it:
// a line that is not exactly one JSON object (a forged or broken line), a
// raw control character (CR, ESC: terminal injection), or a secret — one
// of secrets (passwords, tokens), any JWT, any argon2 hash — in the line
// as written or in any of its decoded string values. name labels the
// findings; they quote at most a few characters of the secret.
func Scan(name, logs string, secrets []string) []string {
	var found []string
	n := 0
	for line := range strings.Lines(logs) {
		n++
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			continue
		}
		if p := lineProblem(line, secrets); p != "" {
			found = append(found, fmt.Sprintf("%s log line %d: %s", name, n, p))
		}
	}
	return found
}

func lineProblem(line string, secrets []string) string {
	if i := strings.IndexFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		return fmt.Sprintf("raw control character %q at byte %d", line[i], i)
	}
	record, err := decodeOne(line)
	if err != nil {
		return fmt.Sprintf("not a single JSON object (%v): %.120q", err, line)
	}
	text := line + "\n" + strings.Join(stringsIn(record, nil), "\n")
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			return fmt.Sprintf("holds registered secret #%d (%.3s…)", i, s)
		}
	}
	if m := jwtPattern.FindString(text); m != "" {
		return fmt.Sprintf("holds a JWT (%.12s…)", m)
	}
	if strings.Contains(text, phcMarker) {
		return "holds a password hash ($argon2…)"
	}
	return ""
}

// decodeOne decodes line as one JSON object with nothing after it
// (Unmarshal refuses trailing data, so two objects on a line fail).
func decodeOne(line string) (map[string]any, error) {
	var record map[string]any
	if err := json.Unmarshal([]byte(line), &record); err != nil {
		return nil, err
	}
	if record == nil {
		return nil, fmt.Errorf("null")
	}
	return record, nil
}

// stringsIn collects every string value and key in v, decoded.
func stringsIn(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case map[string]any:
		for k, e := range v {
			out = append(stringsIn(e, out), k)
		}
	case []any:
		for _, e := range v {
			out = stringsIn(e, out)
		}
	}
	return out
}
