package envconfig

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// secretWords mark a variable whose value is a secret: it is described as
// "set" or "unset", never shown.
var secretWords = []string{"SECRET", "PASSWORD", "SEAL_KEY", "PRIVATE_KEY", "ACCESS_KEY"}

// Describe lists every variable cfg (a struct parsed by Parse) was read
// from, with its effective value, for the one log line a binary writes at
// start. Secrets are masked; a URL keeps everything but its password. The
// order is the variables' names.
func Describe(cfg any) []any {
	var vars [][2]string
	collect(reflect.ValueOf(cfg), &vars)
	slices.SortFunc(vars, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	out := make([]any, 0, 2*len(vars))
	for _, v := range vars {
		out = append(out, v[0], v[1])
	}
	return out
}

func collect(v reflect.Value, out *[][2]string) {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		switch {
		case !f.IsExported():
		case name != "":
			*out = append(*out, [2]string{name, shown(name, fv)})
		case fv.Kind() == reflect.Struct:
			collect(fv, out)
		}
	}
}

func shown(name string, v reflect.Value) string {
	s := fmt.Sprint(v.Interface())
	if v.Kind() == reflect.Slice {
		s = strings.Trim(s, "[]")
	}
	for _, w := range secretWords {
		if strings.Contains(name, w) && !strings.HasSuffix(name, "_FILE") {
			if s == "" {
				return "unset"
			}
			return "set"
		}
	}
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return s
}
