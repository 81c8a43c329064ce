package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"prana/shared/awsconfig"
	"prana/testkit/pdftest"
)

// seedToken mints a token the way the seed's auth service does (python-jose,
// HS256 with SECRET_KEY): header {"alg":"HS256","typ":"JWT"}; the claims
// name, surname, email, date_of_birth, id and exp, and no iss, aud, sub or iat.
func seedToken(secret, id, name, surname, email string, exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"name": name, "surname": surname, "email": email, "date_of_birth": "1985-07-14",
		"id": id, "exp": exp.Unix(),
	})
	signing := enc(header) + "." + enc(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + enc(mac.Sum(nil))
}

// pythonJSON renders a JSON object as Python's json.dumps does by default:
// ", " and ": " separators, and non-ASCII as \uXXXX escapes. keys fixes the
// order (the seed's dict order).
func pythonJSON(keys []string, values map[string]string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"%s": "`, k)
		for _, u := range utf16Units(values[k]) {
			switch {
			case u == '"' || u == '\\':
				b.WriteString(`\` + string(rune(u)))
			case u < 0x20 || u > 0x7e:
				fmt.Fprintf(&b, `\u%04x`, u)
			default:
				b.WriteRune(rune(u))
			}
		}
		b.WriteString(`"`)
	}
	b.WriteString("}")
	return b.String()
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xd800+(r>>10)), uint16(0xdc00+(r&0x3ff)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

// TestSeedMode runs a stack as the seed's .env configures it (ALGORITHM=HS256
// with a shared SECRET_KEY) and feeds it what the seed's own parts produce.
func TestSeedMode(t *testing.T) {
	t.Parallel()
	secret := "seed-secret-" + randomHex(16)
	s := startStack(t, stackOptions{worker: true, env: []string{"ALGORITHM=HS256", "SECRET_KEY=" + secret}})
	s.secret(secret)

	t.Run("seed-minted token downloads", func(t *testing.T) {
		id := uuid.NewString()
		tok := seedToken(secret, id, "Zoë", "Ñúñez", "zoe@example.com", time.Now().Add(time.Hour))
		s.secret(tok)
		hasWords(t, "seed token download", download(t, s.pdfClient(t, tok), id), "Zoë", "Ñúñez", "zoe@example.com")

		// The same claims under another secret must not pass: the token is
		// really verified, not just decoded.
		forged := seedToken(secret+"x", id, "Zoë", "Ñúñez", "zoe@example.com", time.Now().Add(time.Hour))
		s.secret(forged)
		dl, err := s.pdfClient(t, forged).DownloadPdfWithResponse(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if dl.StatusCode() != http.StatusUnauthorized {
			t.Errorf("download with a token of another secret: %s, want 401", dl.Status())
		}
	})

	t.Run("auth's HS256 login token downloads", func(t *testing.T) {
		u := s.signupAndLogin(t, "Олена", "Коваль")
		header, err := base64.RawURLEncoding.DecodeString(strings.Split(u.Token, ".")[0])
		if err != nil || !strings.Contains(string(header), `"HS256"`) {
			t.Fatalf("login token header %q (%v), want alg HS256", header, err)
		}
		hasWords(t, "HS256 login token download", download(t, s.pdfClient(t, u.Token), u.ID), "Олена", "Коваль")
	})

	t.Run("seed-shaped SQS message is rendered to S3", func(t *testing.T) {
		ctx := t.Context()
		settings := awsconfig.Settings{EndpointURL: kumoURL, AccessKeyID: "test", SecretAccessKey: "test", Region: "us-east-1"}
		cfg, err := awsconfig.Load(ctx, settings)
		if err != nil {
			t.Fatal(err)
		}
		q := awsconfig.NewSQS(cfg, settings)
		qu, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(s.Queue)})
		if err != nil {
			t.Fatalf("GetQueueUrl %s: %v", s.Queue, err)
		}
		id := uuid.NewString()
		// What the seed's pdf service sent: json.dumps of the profile, no job id.
		body := pythonJSON([]string{"id", "name", "surname", "email", "date_of_birth"}, map[string]string{
			"id": id, "name": "Іван", "surname": "Петренко-Шевченко", "email": "ivan.seed@example.com",
			"date_of_birth": "1985-07-14",
		})
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: qu.QueueUrl, MessageBody: aws.String(body)}); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}

		objURL := kumoURL + "/" + s.Bucket + "/profile_" + id + ".pdf"
		var pdf []byte
		waitFor(t, 30*time.Second, "the worker to store "+objURL, func() (bool, error) {
			status, ct, b, err := fetchPublic(objURL)
			switch {
			case err != nil:
				return false, err
			case status == http.StatusNotFound:
				return false, nil
			case status != http.StatusOK || ct != "application/pdf":
				return false, fmt.Errorf("GET %s: %d %s", objURL, status, ct)
			}
			pdf = b
			return true, nil
		})
		hasWords(t, "stored seed-message PDF", pdftest.Text(t, pdf), "Іван", "Петренко-Шевченко", "ivan.seed@example.com", id)

		// The worker deletes the message once the object is stored.
		waitFor(t, 10*time.Second, "the queue to be empty", func() (bool, error) {
			a, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qu.QueueUrl,
				AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages,
					types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
			if err != nil {
				return false, err
			}
			return a.Attributes["ApproximateNumberOfMessages"] == "0" &&
				a.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0", nil
		})
	})
}
