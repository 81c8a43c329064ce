package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"prana/pdf/cmd/internal/awsstack"
	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/adapters/httpapi"
	"prana/pdf/internal/adapters/pdfcache"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/app"
	"prana/pdf/internal/config"
	"prana/pdf/internal/renderqueue"
	"prana/shared/health"
	"prana/shared/httpserver"
	"prana/shared/jwtverify"
	"prana/shared/metricsserver"
)

// run wires the adapters to the core and serves until ctx is done. ready,
// when not nil, learns the listening address (tests listen on port 0).
func run(ctx context.Context, cfg config.Config, log *slog.Logger, ready func(net.Addr)) error {
	start := time.Now()
	verifier, err := jwtverify.New(ctx, cfg.Tokens())
	if err != nil {
		return err
	}
	// S3 and SQS are set up in the background: downloads need neither, so
	// the service serves from the start; uploads and job status answer 503
	// until they are reachable, and /readyz names what is missing.
	aws, err := awsstack.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	renderer, err := gopdfrender.New(log, gopdfrender.Options{FontDirs: cfg.FontDirs, Replaced: replacedCounter(reg)})
	if err != nil {
		return err
	}
	queue := renderqueue.New(renderer, renderqueue.Limits{
		Workers: cfg.PDFRenderConcurrency, MaxQueued: cfg.PDFRenderQueue, MaxWait: cfg.PDFRenderMaxWait,
	}, renderQueueMetrics(reg))
	objects := aws.Objects()
	documents := pdfcache.New(pdfcache.Limits{MaxBytes: cfg.PDFCacheBytes, MaxAge: pdfMaxAge})
	api, err := app.NewAPI(app.APIPorts{
		Renderer: queue, Documents: documents, Queue: aws.Publisher(sqsqueue.PublisherOptions{}),
		Objects: objects, Jobs: objects, Uploads: objects,
		Policy: app.UploadPolicy{PerMinute: cfg.UploadRatePerUser},
	}, log, newJobID)
	if err != nil {
		return err
	}
	h, err := httpapi.NewHandler(httpapi.Deps{
		API: api, Verifier: verifier, Registry: reg, Log: log,
		Ready: health.Checks{"sqs": aws.PingSQS, "s3": aws.PingS3, "token_keys": verifier.Ping}.Cached(health.CacheTTL),
	})
	if err != nil {
		return err
	}
	h, stop, err := metricsserver.Move(cfg.MetricsAddr, h, reg, log)
	if err != nil {
		return err
	}
	defer stop()
	return httpserver.Run(ctx, httpserver.New(cfg.Addr, h, log, cfg.HTTP), log, func(a net.Addr) {
		log.Info("pdf ready", "addr", a.String(), "startup", time.Since(start).String(), "algorithm", cfg.Algorithm)
		if ready != nil {
			ready(a)
		}
	})
}

// pdfMaxAge is how long a rendered PDF is served from memory before it is
// rendered again: the "Generated" time it prints stays within the hour.
const pdfMaxAge = time.Hour

// replacedCounter registers the count of characters that no font could
// draw and that were drawn as '?': a fallback font missing from the
// machine shows here.
func replacedCounter(reg prometheus.Registerer) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pdf_replaced_characters_total",
		Help: "Characters drawn as '?' in rendered PDFs because no font has them.",
	})
	reg.MustRegister(c)
	return c
}

// renderQueueMetrics registers the count of downloads refused because too
// many renders were waiting: a steady rise says the service needs more
// replicas or cores.
func renderQueueMetrics(reg prometheus.Registerer) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pdf_render_refused_total",
		Help: "Downloads answered 503 because too many renders were waiting or none started within PDF_RENDER_MAX_WAIT.",
	})
	reg.MustRegister(c)
	return c
}

func newJobID() string { return uuid.Must(uuid.NewV7()).String() }
