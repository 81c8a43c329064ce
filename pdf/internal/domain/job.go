package domain

import "time"

// JobStatus is where an upload job stands.
type JobStatus string

// The states a job moves through: queued → processing → done | failed.
const (
	JobQueued     JobStatus = "queued"
	JobProcessing JobStatus = "processing"
	JobDone       JobStatus = "done"
	JobFailed     JobStatus = "failed"
)

// Job is the record of one upload-to-s3 request.
type Job struct {
	ID        string
	UserID    string
	Status    JobStatus
	URL       string // the public URL the PDF is (or will be) at
	Error     string // why it failed; empty unless Status is JobFailed
	UpdatedAt time.Time
}

// Task is the message a job puts on the queue: the profile to render plus the
// job id. Messages the seed sent carry no job id; JobID is empty for them.
type Task struct {
	JobID   string
	Profile Profile
	// RequestedAt is when the job was accepted. The worker prints it as the
	// generation time so that a redelivered message renders the same bytes.
	// Zero for seed messages.
	RequestedAt time.Time
	// EraseUserID, when set, makes the task an erasure of that user's files
	// instead of a render (the auth service sends these for deleted
	// accounts); the other fields are empty then.
	EraseUserID string
}
