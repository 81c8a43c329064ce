package failure

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Print writes err for a person: a headline naming the command, then, for a
// server's problem document, its detail, each invalid field and the request
// id to quote in a bug report.
func Print(w io.Writer, cmd string, err error) {
	var reported *Reported
	if err == nil || errors.As(err, &reported) {
		return
	}
	fmt.Fprintf(w, "%s: %v\n", strings.TrimSpace("prana "+cmd), err)
	var (
		httpE *HTTPError
		netE  *NetworkError
		usage *UsageError
	)
	switch {
	case errors.As(err, &httpE):
		httpE.write(w)
	case errors.As(err, &netE):
		fmt.Fprintf(w, "  is it running? Set its address with --%s-url or PRANA_%s_URL\n",
			netE.Service, strings.ToUpper(netE.Service))
	case errors.As(err, &usage):
		fmt.Fprintf(w, "  see: %s\n", strings.TrimSpace("prana help "+cmd))
	}
}
