package apidocs

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"

	"github.com/swaggest/swgui/v5/static"
	"github.com/vearutop/statigz"
)

// The page is written here rather than by swgui's handler: that handler
// renders it with html/template, and a binary that links html/template
// keeps every exported method of every type it links (the template engine
// calls methods by name through reflection), which made the pdf binary
// 25 MB instead of 17. Only swgui's embedded, pre-compressed assets are
// used, served by statigz (gzip to browsers that take it).

// uiSettings are the SwaggerUIBundle options, as JavaScript. Each
// operation shows its id, which names the generated clients' methods
// (Signup, DownloadPdf…), so SDK users can find them. validatorUrl null
// keeps the page from asking a public validator to fetch the spec: every
// request the page makes goes to the service itself.
const uiSettings = `{
	url: %URL%,
	dom_id: "#swagger-ui",
	deepLinking: true,
	displayOperationId: true,
	defaultModelsExpandDepth: -1,
	validatorUrl: null,
	presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
	plugins: [SwaggerUIBundle.plugins.DownloadUrl],
	layout: "StandaloneLayout"
}`

// page returns the docs page for title, loading the spec from specURL and
// the assets relative to itself (it is served at /docs/).
func page(title, specURL string) []byte {
	url, _ := json.Marshal(specURL) // a string always encodes
	settings := strings.Replace(uiSettings, "%URL%", string(url), 1)
	return []byte(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>` + html.EscapeString(title) + ` - Swagger UI</title>
<link rel="stylesheet" type="text/css" href="swagger-ui.css">
<link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="favicon-16x16.png" sizes="16x16">
<style>html { overflow-y: scroll; } body { margin: 0; background: #fafafa; }</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="swagger-ui-standalone-preset.js"></script>
<script>
window.onload = function () { window.ui = SwaggerUIBundle(` + settings + `); };
</script>
</body>
</html>
`)
}

// ui serves the page at base (e.g. /docs/) and the assets below it.
func ui(title, specURL, base string) http.Handler {
	index := page(title, specURL)
	assets := http.StripPrefix(base, statigz.FileServer(static.FS))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != base {
			assets.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}
