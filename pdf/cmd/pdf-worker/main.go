// Command pdf-worker takes render jobs from SQS, renders each profile PDF
// and puts it in S3. On SIGTERM it stops receiving, finishes what it holds
// (within WORKER_DRAIN_TIMEOUT) and exits. `pdf-worker healthcheck` exits 0
// when the running worker answers ready on WORKER_HEALTH_ADDR (for images
// without a shell).
package main

import (
	"context"
	"log/slog"
	"os"

	"prana/pdf/cmd/internal/awsstack"
	"prana/pdf/cmd/internal/gctune"
	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/adapters/sqsqueue"
	"prana/pdf/internal/app"
	"prana/pdf/internal/config"
	"prana/shared/cmdmain"
	"prana/shared/health"
)

func main() {
	// The worker keeps nothing between jobs: its renders in flight are most
	// of its heap.
	gctune.Apply(128 << 20)
	cmdmain.Run("pdf-worker", config.Load, func(c config.Config) string { return c.LogLevel }, cmdmain.Dispatch(os.Args[1:],
		cmdmain.Command[config.Config]{Name: "run", Run: run},
		cmdmain.HealthCheck(func(c config.Config) string { return c.WorkerHealthAddr }),
	))
}

// run wires the worker and consumes until ctx is done and the drain ends.
func run(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	// A worker started while S3 or SQS is unreachable waits for them, the
	// set-up retried with backoff, rather than exit: it has nothing else
	// to do, and an orchestrator restarting it would only add load.
	aws, err := awsstack.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := aws.Wait(ctx); err != nil {
		log.Info("pdf-worker stopped before S3/SQS could be reached", "err", err)
		return nil
	}
	queueURL, _ := aws.QueueURL()
	// With METRICS_ADDR the worker serves /metrics there; without, none
	// (replaced characters are in its log either way).
	reg, stopMetrics, err := serveMetrics(cfg.MetricsAddr, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	renderer, err := gopdfrender.New(log, gopdfrender.Options{FontDirs: cfg.FontDirs, Replaced: replacedCounter(reg)})
	if err != nil {
		return err
	}
	worker, err := app.NewWorker(app.WorkerPorts{Renderer: renderer, Objects: aws.Store, Jobs: aws.Store, Uploads: aws.Store}, log)
	if err != nil {
		return err
	}
	concurrency := cfg.WorkerConcurrency
	if concurrency == 0 {
		concurrency = sqsqueue.DefaultConcurrency()
	}
	consumer := sqsqueue.NewConsumer(aws.SQS, queueURL, log, sqsqueue.ConsumerOptions{
		Concurrency: concurrency, VisibilityTimeout: cfg.VisibilityTimeout, WaitTime: cfg.SQSWaitTime,
		MaxReceiveCount: cfg.MaxReceiveCount, DrainTimeout: cfg.WorkerDrainTimeout,
	})
	if cfg.WorkerHealthAddr != "" {
		stop, err := serveHealth(ctx, cfg.WorkerHealthAddr, health.Checks{"sqs": consumer.Ping, "s3": aws.Store.Ping}.Cached(health.CacheTTL), log)
		if err != nil {
			return err
		}
		defer stop()
	}
	log.Info("pdf-worker ready", "queue", cfg.QueueName, "bucket", cfg.BucketName, "concurrency", concurrency)
	return consumer.Run(ctx, worker)
}
