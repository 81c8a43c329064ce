package httpmw

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"prana/shared/problem"
)

// RequestError answers a request the generated strict handler could not
// decode. It is the strict server's RequestErrorHandlerFunc; the default
// would answer text/plain and echo the decoder's message.
func RequestError(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		problem.Write(w, r, decodeProblem(err))
	}
}

func decodeProblem(err error) *problem.Problem {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return TooLarge(tooBig.Limit)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		p := problem.New(http.StatusUnprocessableEntity, "validation_failed", "The request has invalid fields.")
		p.Errors = []problem.FieldError{{Field: typeErr.Field, Message: "must be a JSON " + typeErr.Type.Kind().String()}}
		return p
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return problem.New(http.StatusBadRequest, "malformed_json", "The request body is not valid JSON.")
	default:
		return problem.New(http.StatusBadRequest, "bad_request", "The request could not be read.")
	}
}
