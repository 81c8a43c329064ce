// Package httpapi is the pdf service's HTTP adapter: it implements the
// strict server interface generated from api/pdf.yaml. Handlers map the
// token's claims to a domain.Profile, call the app, and map results to
// generated response types; errors go to errors.go.
package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
	"prana/shared/bearer"
	"prana/shared/health"
	"prana/shared/httpmw"
)

// Server implements StrictServerInterface.
type Server struct {
	svc   *app.API
	ready health.Checks
}

var _ StrictServerInterface = (*Server)(nil)

// DownloadPdf renders the caller's profile, or answers 304 when the
// caller's copy is current (checked before rendering: that is the point).
func (s *Server) DownloadPdf(ctx context.Context, req DownloadPdfRequestObject) (DownloadPdfResponseObject, error) {
	p, err := profileFrom(ctx)
	if err != nil {
		return nil, err
	}
	etag := app.ETag(p)
	if req.Params.IfNoneMatch != nil && etagMatches(*req.Params.IfNoneMatch, etag) {
		return DownloadPdf304Response{Headers: DownloadPdf304ResponseHeaders{ETag: &etag}}, nil
	}
	doc, err := s.svc.Download(ctx, p)
	if err != nil {
		return nil, err
	}
	disposition := fmt.Sprintf("attachment; filename=%q", p.FileName())
	// Sent even without Origin, as the seed did. The PDF is personal data:
	// no cache keeps it (issue 6). The ETag stays useful to clients that
	// keep their own copy (the CLI) and revalidate with If-None-Match.
	expose, cache := httpmw.ExposedHeaders, "no-store"
	return DownloadPdf200ApplicationpdfResponse{
		Body:          bytes.NewReader(doc),
		ContentLength: int64(len(doc)),
		Headers: DownloadPdf200ResponseHeaders{
			ContentDisposition: &disposition, AccessControlExposeHeaders: &expose,
			ETag: &etag, CacheControl: &cache,
		},
	}, nil
}

// etagMatches implements If-None-Match: a list of tags, or "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// UploadPdfToS3 queues a job and answers 202 once it is on the queue.
func (s *Server) UploadPdfToS3(ctx context.Context, _ UploadPdfToS3RequestObject) (UploadPdfToS3ResponseObject, error) {
	p, err := profileFrom(ctx)
	if err != nil {
		return nil, err
	}
	job, err := s.svc.RequestUpload(ctx, p)
	if err != nil {
		return nil, err
	}
	location := "/api/pdf/jobs/" + job.ID
	return UploadPdfToS3202JSONResponse{
		Body: UploadAccepted{
			Status: Accepted, UserId: uuid.MustParse(p.UserID), JobId: uuid.MustParse(job.ID),
			Message: "Task queued successfully", Url: job.URL,
		},
		Headers: UploadPdfToS3202ResponseHeaders{Location: &location},
	}, nil
}

// GetJob reports one of the caller's jobs.
func (s *Server) GetJob(ctx context.Context, req GetJobRequestObject) (GetJobResponseObject, error) {
	p, err := profileFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, err := s.svc.Job(ctx, p.UserID, req.JobId.String())
	if err != nil {
		return nil, err
	}
	out := GetJob200JSONResponse{
		JobId: req.JobId, Status: JobStatus(j.Status), Url: j.URL, UpdatedAt: j.UpdatedAt.UTC(),
	}
	if j.Error != "" {
		out.Error = &j.Error
	}
	return out, nil
}

// GetHealth answers as long as the process serves requests.
func (s *Server) GetHealth(context.Context, GetHealthRequestObject) (GetHealthResponseObject, error) {
	return GetHealth200JSONResponse(health.Alive()), nil
}

// GetReady checks the queue, the bucket and the token keys.
func (s *Server) GetReady(ctx context.Context, _ GetReadyRequestObject) (GetReadyResponseObject, error) {
	h, ok := s.ready.Report(ctx)
	if !ok {
		return GetReady503JSONResponse(h), nil
	}
	return GetReady200JSONResponse(h), nil
}

// profileFrom is the profile the verified token vouches for.
func profileFrom(ctx context.Context) (domain.Profile, error) {
	c, ok := bearer.ClaimsFrom(ctx)
	if !ok {
		return domain.Profile{}, fmt.Errorf("no claims in context")
	}
	return domain.Profile{UserID: strings.ToLower(c.UserID), Name: c.Name, Surname: c.Surname, Email: c.Email, DateOfBirth: c.DateOfBirth}, nil
}
