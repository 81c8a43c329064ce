package domain

import (
	"fmt"
	"strings"
)

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every invalid field of one request, so a client can
// fix them all at once.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// fieldErrors collects problems while a request is checked field by field.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was collected. Returning a typed nil pointer
// as error would make callers' err != nil checks lie.
func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}
