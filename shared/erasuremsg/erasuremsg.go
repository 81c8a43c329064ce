// Package erasuremsg is the message by which the auth service asks the pdf
// worker to erase what S3 holds of a deleted user. It travels on the
// worker's task queue, told apart from render tasks by a message attribute,
// so that one queue, its dead-letter queue and its alarms serve both.
package erasuremsg

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
)

// KindAttribute is the SQS message attribute that names the kind of a
// message; render tasks (and the seed's messages) carry none.
const KindAttribute = "prana-kind"

// KindEraseUser is KindAttribute's value on an erasure.
const KindEraseUser = "erase-user"

type body struct {
	UserID string `json:"user_id"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ErrMalformed marks a body that is not an erasure of a user id.
var ErrMalformed = errors.New("malformed erasure message")

// Encode is the body of an erasure of userID.
func Encode(userID string) string {
	b, _ := json.Marshal(body{UserID: strings.ToLower(userID)}) // a struct of one string always marshals
	return string(b)
}

// Decode returns the user id of an erasure body, lower-cased, or
// ErrMalformed.
func Decode(s string) (string, error) {
	var b body
	if err := json.Unmarshal([]byte(s), &b); err != nil {
		return "", ErrMalformed
	}
	id := strings.ToLower(b.UserID)
	if !uuidPattern.MatchString(id) {
		return "", ErrMalformed
	}
	return id, nil
}
