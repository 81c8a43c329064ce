module prana/cli

go 1.26.0

require (
	github.com/oapi-codegen/runtime v1.9.0
	golang.org/x/term v0.48.0
	prana/auth v0.0.0
	prana/pdf v0.0.0
	prana/shared v0.0.0
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace prana/shared => ../shared

replace prana/auth => ../auth

replace prana/pdf => ../pdf
