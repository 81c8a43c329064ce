package main

import (
	"os"
	"testing"

	"prana/testkit/logtest"
)

// suite holds every worker log this package writes; TestMain scans it at
// the end for tokens and hashes and for lines that are not one JSON object.
var suite logtest.Suite

func TestMain(m *testing.M) { os.Exit(suite.Finish(m.Run())) }
