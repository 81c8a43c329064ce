// Package app holds the pdf service's use cases in two sets: API (download
// a profile PDF, queue an upload job, read a job's state), which the HTTP
// service runs, and Worker (process a queued task, fail a malformed one),
// which the worker runs. Both depend only on the ports in ports.go; job
// state changes are in jobstate.go.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"prana/pdf/internal/domain"
)

// ErrUnavailable wraps failures of the queue or the bucket: the HTTP layer
// answers 503 and the client may retry.
var ErrUnavailable = errors.New("dependency unavailable")

// ErrBusy is a render refused because too many are waiting already: the
// HTTP layer answers 503 with a short Retry-After.
var ErrBusy = errors.New("renderer busy")

// APIPorts are the adapters an API uses; none may be nil.
type APIPorts struct {
	Renderer  Renderer
	Documents DocumentCache
	Queue     TaskPublisher
	Objects   ObjectStore
	Jobs      JobStore
	// Uploads limits each user's uploads and answers a new upload with
	// the user's job still running (see upload.go).
	Uploads UploadGuard
	// Policy is how Uploads is applied.
	Policy UploadPolicy
}

// API runs the HTTP service's use cases: Download, RequestUpload and Job.
type API struct {
	p      APIPorts
	states jobStates
	now    func() time.Time
	newID  func() string
}

// NewAPI returns an API, or an error naming the ports left nil. newID
// makes job ids (UUIDs).
func NewAPI(p APIPorts, log *slog.Logger, newID func() string) (*API, error) {
	err := missingPorts("app.NewAPI",
		port{"Renderer", p.Renderer != nil}, port{"Documents", p.Documents != nil},
		port{"Queue", p.Queue != nil}, port{"Objects", p.Objects != nil},
		port{"Jobs", p.Jobs != nil}, port{"Uploads", p.Uploads != nil},
		port{"log", log != nil}, port{"newID", newID != nil})
	if err != nil {
		return nil, err
	}
	return &API{p: p, states: jobStates{jobs: p.Jobs, log: log, now: time.Now}, now: time.Now, newID: newID}, nil
}

// renderVersion changes whenever the PDF layout does, so that ETags of
// documents rendered by an older layout stop matching.
const renderVersion = "profile-v2"

// ETag identifies the content of a profile's PDF. The generation time
// printed on the page is not part of it: two renders of one profile are
// the same document to the user. It is also the document cache's key, so
// two profiles must never share it: each field is length-prefixed, which
// a separator byte (that a name could contain) would not guarantee.
func ETag(p domain.Profile) string {
	var buf [256]byte
	b := buf[:0]
	for _, f := range [...]string{renderVersion, p.UserID, p.Name, p.Surname, p.Email} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = p.DateOfBirth.AppendFormat(b, domain.DateLayout)
	sum := sha256.Sum256(b)
	var tag [2 + 2*16]byte
	tag[0], tag[len(tag)-1] = '"', '"'
	hex.Encode(tag[1:len(tag)-1], sum[:16])
	return string(tag[:])
}

// Download returns the profile's PDF. A profile whose ETag the
// DocumentCache still holds gets the same document again, its generation
// time included: the ETag promises the same content.
func (s *API) Download(ctx context.Context, p domain.Profile) ([]byte, error) {
	render := func(ctx context.Context) ([]byte, error) {
		return s.p.Renderer.Render(ctx, p, s.now().UTC())
	}
	doc, err := s.p.Documents.Document(ctx, ETag(p), render)
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	return doc, nil
}

// Job returns one of userID's jobs; another user's job does not exist for
// them.
func (s *API) Job(ctx context.Context, userID, jobID string) (domain.Job, error) {
	j, err := s.p.Jobs.Job(ctx, userID, jobID)
	if errors.Is(err, domain.ErrJobNotFound) || (err == nil && j.UserID != userID) {
		return domain.Job{}, domain.ErrJobNotFound
	}
	if err != nil {
		return domain.Job{}, fmt.Errorf("job: %w: %w", ErrUnavailable, err)
	}
	return j, nil
}
