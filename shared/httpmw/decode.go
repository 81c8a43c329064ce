package httpmw

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"

	"prana/shared/problem"
	"prana/shared/requestid"
)

// RequestError answers a request the generated strict handler could not
// decode. It is the strict server's RequestErrorHandlerFunc; the default
// would answer text/plain and echo the decoder's message. The decoder's
// message goes to the debug log only: it may quote the body.
func RequestError(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		p := decodeProblem(err)
		log.DebugContext(r.Context(), "request not decoded", "request_id", requestid.FromContext(r.Context()), "code", p.Code)
		problem.Write(w, r, p)
	}
}

// jsonKind names, in JSON's terms, the type a field should have had.
func jsonKind(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "of another type"
	}
	switch e.Type.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

func decodeProblem(err error) *problem.Problem {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return TooLarge(tooBig.Limit)
	case errors.As(err, &netErr) && netErr.Timeout():
		// The server's read timeout cut off a body that kept coming.
		return problem.New(http.StatusRequestTimeout, "request_timeout", "The request body did not arrive in time.")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		p := problem.New(http.StatusUnprocessableEntity, "validation_failed", "The request has invalid fields.")
		p.Errors = []problem.FieldError{{Field: typeErr.Field, Message: "must be " + jsonKind(typeErr)}}
		return p
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return problem.New(http.StatusBadRequest, "malformed_json", "The request body is not valid JSON.")
	default:
		return problem.New(http.StatusBadRequest, "bad_request", "The request could not be read.")
	}
}
