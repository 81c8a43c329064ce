// Package containers runs the three service images (auth, pdf, the
// worker) with podman, as users would run them, against a throwaway
// PostgreSQL (pgtest) and the in-process S3+SQS emulator, over the host
// network. `make test-containers` builds the images and runs it; without
// PRANA_CONTAINER_TEST=1 every test skips.
package containers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/auth/authclient"
	devstack "prana/devstack/stack"
	"prana/pdf/pdfclient"
	"prana/testkit/pdftest"
	"prana/testkit/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestImagesRunAsUsersWould: `auth migrate`, then auth, the worker and
// pdf, each as uid 65532 with a read-only root and no capabilities; each
// health check exits 1 before its service runs and 0 once it is ready; a
// user signs up, logs in, downloads and uploads; `podman stop` ends each
// container within its grace period, the worker after finishing the jobs
// it holds.
func TestImagesRunAsUsersWould(t *testing.T) {
	p := requirePodman(t)
	for _, svc := range []string{"auth", "pdf", "worker"} {
		if _, err := p.output(t.Context(), "image", "exists", imageRef(svc)); err != nil {
			t.Fatalf("image %s is missing (make test-containers builds it): %v", imageRef(svc), err)
		}
	}
	id := randomHex(4)
	dsn := pgtest.NewDatabase(t)
	emu, err := devstack.StartEmulator("127.0.0.1:0", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = emu.Close(ctx)
	})
	var secrets []string
	base := []string{"LOG_LEVEL=debug"}

	// The one-shot migration, as compose runs it.
	migrate := append([]string{"DATABASE_URL=" + dsn}, base...)
	if code, out := p.exitCode(t, append(append(append([]string{"run", "--rm"}, hardened("prana-ct-migrate-"+id)...),
		envFlags(migrate)...), imageRef("auth"), "migrate")...); code != 0 {
		t.Fatalf("auth migrate exited %d\n%s", code, lastLines(out, 20))
	}

	authAddr := freeAddr(t)
	// The drain below signs up and logs in 40 users from one address: past the
	// per-address limits, which other tests prove.
	authEnv := append([]string{"DATABASE_URL=" + dsn, "AUTO_MIGRATE=false", "AUTH_ADDR=" + authAddr,
		"SIGNUP_RATE_PER_IP=0", "SIGNUP_RATE_PER_RANGE=0", "LOGIN_RATE_PER_IP=0"}, base...)
	probeBefore(t, p, imageRef("auth"), authEnv)
	// A named volume at DATA_DIR, as in the compose file: it starts as a
	// copy of the image's /data, owned by 65532, so the key can be written.
	vol := "prana-ct-authdata-" + id
	p.must(t, "volume", "create", vol)
	t.Cleanup(func() { _, _ = p.output(context.Background(), "volume", "rm", "-f", vol) })
	auth := &container{name: "prana-ct-auth-" + id, image: imageRef("auth"), service: "auth",
		readyURL: "http://" + authAddr + "/readyz", grace: 10 * time.Second, secrets: &secrets}
	startService(t, p, auth, authEnv, []string{"-v", vol + ":/data"})

	queue, bucket := "ct-"+id, "ct-"+id
	awsEnv := append([]string{
		"AWS_ENDPOINT_URL=" + emu.URL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1", "SQS_QUEUE_NAME=" + queue, "S3_BUCKET_NAME=" + bucket,
	}, base...)
	workerAddr := freeAddr(t)
	// One job at a time and a short poll, so that the stop below finds it
	// holding work and the drain is quick.
	workerEnv := append([]string{"WORKER_HEALTH_ADDR=" + workerAddr, "WORKER_CONCURRENCY=1", "SQS_WAIT_TIME=1s"}, awsEnv...)
	probeBefore(t, p, imageRef("worker"), workerEnv)
	worker := &container{name: "prana-ct-worker-" + id, image: imageRef("worker"), service: "worker",
		readyURL: "http://" + workerAddr + "/readyz", grace: 40 * time.Second, secrets: &secrets}
	startService(t, p, worker, workerEnv, nil)

	pdfAddr := freeAddr(t)
	pdfEnv := append([]string{"PDF_ADDR=" + pdfAddr, "AUTH_JWKS_URL=http://" + authAddr + "/.well-known/jwks.json"}, awsEnv...)
	probeBefore(t, p, imageRef("pdf"), pdfEnv)
	pdfC := &container{name: "prana-ct-pdf-" + id, image: imageRef("pdf"), service: "pdf",
		readyURL: "http://" + pdfAddr + "/readyz", grace: 15 * time.Second, secrets: &secrets}
	startService(t, p, pdfC, pdfEnv, nil)

	for _, c := range []*container{auth, worker, pdfC} {
		report(t, "start-to-ready %-6s podman start → /readyz 200: %4d ms; container process start → /readyz 200: %4d ms",
			c.service, c.startToReady.Milliseconds(), c.procToReady.Milliseconds())
	}

	// signup → login → download
	ac, err := authclient.NewClientWithResponses("http://"+authAddr, authclient.WithHTTPClient(httpClient))
	if err != nil {
		t.Fatal(err)
	}
	email, password := "ct-"+randomHex(6)+"@example.com", "pw-"+randomHex(12)
	secrets = append(secrets, password)
	su, err := ac.SignupWithResponse(t.Context(), authclient.SignupRequest{
		Name: "Іван", Surname: "Петренко", Email: email, DateOfBirth: "1990-02-28", Password: password})
	if err != nil || su.JSON201 == nil {
		t.Fatalf("signup: %v %s", err, body(su))
	}
	userID := su.JSON201.Id.String()
	li, err := ac.LoginWithResponse(t.Context(), authclient.LoginRequest{Email: email, Password: password})
	if err != nil || li.JSON200 == nil {
		t.Fatalf("login: %v %s", err, body(li))
	}
	token := li.JSON200.AccessToken
	secrets = append(secrets, token)
	pc, err := pdfclient.NewClientWithResponses("http://"+pdfAddr, pdfclient.WithHTTPClient(httpClient),
		pdfclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	dl, err := pc.DownloadPdfWithResponse(t.Context(), nil)
	if err != nil || dl.StatusCode() != http.StatusOK {
		t.Fatalf("download: %v %s", err, body(dl))
	}
	if text := pdftest.Text(t, dl.Body); !strings.Contains(text, "Петренко") || !strings.Contains(text, email) {
		t.Errorf("downloaded PDF text lacks the user:\n%s", text)
	}

	// upload → the object in the bucket
	first := uploadJob(t, pc)
	waitJob(t, pc, first.JobId, 30*time.Second, pdfclient.Done)
	wantURL := emu.URL + "/" + bucket + "/profile_" + userID + ".pdf"
	if first.Url != wantURL {
		t.Errorf("upload answered url %s, want %s", first.Url, wantURL)
	}
	obj, err := httpClient.Get(first.Url)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if obj.StatusCode != http.StatusOK || !bytes.HasPrefix(stored, []byte("%PDF-")) {
		t.Fatalf("GET %s: %s, %d bytes", first.Url, obj.Status, len(stored))
	}

	// The worker's drain: queue jobs, stop it while it renders them one at
	// a time. Every job it took must be done; none may be left processing.
	// One job per user: while a user's job is queued, a new upload of
	// theirs answers that same job.
	var jobs []userJob
	for i := range 40 {
		c := userClient(t, ac, "http://"+pdfAddr, i)
		jobs = append(jobs, userJob{c, uploadJob(t, c).JobId})
	}
	waitJob(t, jobs[0].client, jobs[0].id, 30*time.Second, pdfclient.Done)
	took := worker.stop(t)
	counts := map[pdfclient.JobStatus]int{}
	for _, j := range jobs {
		counts[jobStatus(t, j.client, j.id)]++
	}
	report(t, "stop    worker %d ms (grace %s); of %d queued jobs at the stop: %d done, %d still queued, %d processing, %d failed",
		took.Milliseconds(), worker.grace, len(jobs), counts[pdfclient.Done], counts[pdfclient.Queued],
		counts[pdfclient.Processing], counts[pdfclient.Failed])
	if counts[pdfclient.Processing] > 0 || counts[pdfclient.Failed] > 0 {
		t.Errorf("after the worker's stop: %v; want every job it took done", counts)
	}
	if logs := p.logs(worker.name); !strings.Contains(logs, `"sqs consumer stopped"`) {
		t.Errorf("the worker's log does not say its consumer stopped after the drain; last lines:\n%s", lastLines(logs, 5))
	}

	// The others, at once, as `compose down` does. Parallel subtests, not
	// bare goroutines: stop may call t.Fatal, which only a test's own
	// goroutine may do.
	t.Run("stop the others at once", func(t *testing.T) {
		for _, c := range []*container{pdfC, auth} {
			t.Run(c.service, func(t *testing.T) {
				t.Parallel()
				took := c.stop(t)
				report(t, "stop    %-6s %d ms (grace %s)", c.service, took.Milliseconds(), c.grace)
			})
		}
	})
}

// userJob is a queued job and the client of the user who owns it.
type userJob struct {
	client *pdfclient.ClientWithResponses
	id     uuid.UUID
}

// userClient signs up and logs in a new user, and returns a pdf client
// carrying their token.
func userClient(t *testing.T, ac *authclient.ClientWithResponses, pdfURL string, i int) *pdfclient.ClientWithResponses {
	t.Helper()
	email, password := fmt.Sprintf("ct-drain-%d-%s@example.com", i, randomHex(4)), "pw-"+randomHex(12)
	su, err := ac.SignupWithResponse(t.Context(), authclient.SignupRequest{
		Name: "Drain", Surname: "Tester", Email: email, DateOfBirth: "1990-02-28", Password: password})
	if err != nil || su.JSON201 == nil {
		t.Fatalf("signup %d: %v %s", i, err, body(su))
	}
	li, err := ac.LoginWithResponse(t.Context(), authclient.LoginRequest{Email: email, Password: password})
	if err != nil || li.JSON200 == nil {
		t.Fatalf("login %d: %v %s", i, err, body(li))
	}
	token := li.JSON200.AccessToken
	pc, err := pdfclient.NewClientWithResponses(pdfURL, pdfclient.WithHTTPClient(httpClient),
		pdfclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func uploadJob(t *testing.T, pc *pdfclient.ClientWithResponses) *pdfclient.UploadAccepted {
	t.Helper()
	up, err := pc.UploadPdfToS3WithResponse(t.Context())
	if err != nil || up.StatusCode() != http.StatusAccepted || up.JSON202 == nil {
		t.Fatalf("upload-to-s3: %v %s", err, body(up))
	}
	return up.JSON202
}

func jobStatus(t *testing.T, pc *pdfclient.ClientWithResponses, id uuid.UUID) pdfclient.JobStatus {
	t.Helper()
	j, err := pc.GetJobWithResponse(t.Context(), id)
	if err != nil || j.JSON200 == nil {
		t.Fatalf("GET job %s: %v %s", id, err, body(j))
	}
	return j.JSON200.Status
}

func waitJob(t *testing.T, pc *pdfclient.ClientWithResponses, id uuid.UUID, within time.Duration, want pdfclient.JobStatus) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := jobStatus(t, pc, id)
		if s == want {
			return
		}
		if s == pdfclient.Failed || time.Now().After(deadline) {
			t.Fatalf("job %s is %s, want %s", id, s, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// body describes a generated client's response for a failure message:
// its status and body, or nothing when there was none.
func body(r interface{ Status() string }) string {
	v := reflect.ValueOf(r)
	if r == nil || v.IsNil() {
		return ""
	}
	b, _ := v.Elem().FieldByName("Body").Interface().([]byte)
	return r.Status() + " " + string(b)
}
