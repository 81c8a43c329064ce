// Package envconfig fills a configuration struct from environment
// variables (caarlos0/env tags) and reports bad values by the variable's
// name, which is what an operator sees, rather than the Go field's.
package envconfig

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Parse reads the environment into a new T.
func Parse[T any]() (T, error) {
	var c T
	err := env.Parse(&c)
	if err == nil {
		return c, nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return c, err
	}
	msgs := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		msgs = append(msgs, rename[T](e))
	}
	return c, errors.Join(msgs...)
}

// rename says which variable a parse error is about.
func rename[T any](err error) error {
	var pe env.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	f, ok := reflect.TypeFor[T]().FieldByName(pe.Name)
	if !ok {
		return err
	}
	name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	return fmt.Errorf("%s: not a valid %s: %v", name, pe.Type, errors.Unwrap(pe.Err))
}
