package command

import (
	"context"
	"flag"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"

	"prana/cli/internal/failure"
)

var downloadCmd = &command{
	name:    "pdf download",
	flags:   "[-o FILE]",
	summary: "Download your profile as a PDF.",
	details: `Without -o the file goes in the current folder, named as the server suggests
(Content-Disposition), else profile_<your id>.pdf. "-o -" writes the PDF to stdout.
`,
	setup: func(fs *flag.FlagSet) func(context.Context, *app) error {
		var out string
		fs.StringVar(&out, "o", "", "write the PDF to `FILE` (- for stdout)")
		return func(ctx context.Context, a *app) error { return a.download(ctx, out) }
	},
}

// downloadResult is download's --json output.
type downloadResult struct {
	File  string `json:"file"`
	Bytes int    `json:"bytes"`
	ETag  string `json:"etag,omitempty"`
}

func (a *app) download(ctx context.Context, out string) error {
	if out == "-" && a.g.json {
		return failure.Usagef("-o - and --json both want stdout: choose one")
	}
	tok, err := a.storedLogin(ctx)
	if err != nil {
		return err
	}
	c, err := a.pdfClient()
	if err != nil {
		return err
	}
	resp, err := c.DownloadPdfWithResponse(ctx, nil)
	if err != nil {
		return callErr("pdf", a.g.pdfURL, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return failure.FromResponse("pdf download", resp.HTTPResponse, resp.Body)
	}
	if out == "-" {
		_, err := a.Stdout.Write(resp.Body)
		return err
	}
	if out == "" {
		out = fileName(resp.HTTPResponse.Header.Get("Content-Disposition"), tok.Subject())
	}
	if err := os.WriteFile(out, resp.Body, 0o644); err != nil {
		return fmt.Errorf("save the PDF: %w", err)
	}
	if a.g.json {
		return a.printJSON(downloadResult{File: out, Bytes: len(resp.Body),
			ETag: resp.HTTPResponse.Header.Get("ETag")})
	}
	_, err = fmt.Fprintf(a.Stdout, "Saved %s (%d bytes)\n", out, len(resp.Body))
	return err
}

// fileName is the server's suggested name, reduced to a bare file name so a
// hostile header cannot write elsewhere; else one made from the user id.
func fileName(contentDisposition, userID string) string {
	if _, params, err := mime.ParseMediaType(contentDisposition); err == nil {
		name := filepath.Base(filepath.Clean("/" + params["filename"]))
		if name != "/" && name != "." && name != ".." {
			return name
		}
	}
	if userID == "" {
		return "profile.pdf"
	}
	return "profile_" + filepath.Base(userID) + ".pdf"
}
