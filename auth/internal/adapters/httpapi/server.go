// Package httpapi is the auth service's HTTP adapter: it implements the
// strict server interface generated from api/auth.yaml. Handlers only map
// requests to app calls and results to generated response types; failures
// travel as errors to errors.go, which turns them into problem documents.
package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwk"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
	"prana/shared/apicommon"
	"prana/shared/bearer"
	"prana/shared/health"
)

// Server implements StrictServerInterface.
type Server struct {
	svc       *app.Service
	keys      func() jwk.Set
	jwksCache string // the JWKS's Cache-Control
	ready     health.Checks
}

var _ StrictServerInterface = (*Server)(nil)

// Signup registers a user.
func (s *Server) Signup(ctx context.Context, req SignupRequestObject) (SignupResponseObject, error) {
	b := req.Body
	u, err := s.svc.Signup(ctx, domain.SignupInput{
		Name: b.Name, Surname: b.Surname, Email: b.Email, DateOfBirth: b.DateOfBirth, Password: b.Password,
	})
	if err != nil {
		return nil, err
	}
	return Signup201JSONResponse(userOut(u)), nil
}

// Login issues an access token.
func (s *Server) Login(ctx context.Context, req LoginRequestObject) (LoginResponseObject, error) {
	tok, err := s.svc.Login(ctx, domain.LoginInput{Email: req.Body.Email, Password: req.Body.Password}, clientIP(ctx))
	if err != nil {
		return nil, err
	}
	return Login200JSONResponse{
		AccessToken: tok.Value,
		TokenType:   Bearer,
		ExpiresIn:   int(tok.TTL.Seconds()),
	}, nil
}

// GetMe returns the caller's profile, read fresh from the database.
func (s *Server) GetMe(ctx context.Context, _ GetMeRequestObject) (GetMeResponseObject, error) {
	claims, ok := bearer.ClaimsFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("getMe: no claims in context")
	}
	u, err := s.svc.Me(ctx, claims.UserID)
	if err != nil {
		return nil, err
	}
	return GetMe200JSONResponse(userOut(u)), nil
}

// GetJWKS publishes the public verification keys.
func (s *Server) GetJWKS(_ context.Context, _ GetJWKSRequestObject) (GetJWKSResponseObject, error) {
	raw, err := json.Marshal(s.keys())
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	var out JWKS
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	if out.Keys == nil {
		out.Keys = []JWKS_Keys_Item{}
	}
	return GetJWKS200JSONResponse{Body: out, Headers: GetJWKS200ResponseHeaders{CacheControl: &s.jwksCache}}, nil
}

// jwksCacheControl lets verifiers cache the JWKS for maxAge: a rotation
// publishes a new key for longer than that before it signs with it.
func jwksCacheControl(maxAge time.Duration) string {
	return fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds()))
}

// GetHealth answers as long as the process serves requests.
func (s *Server) GetHealth(context.Context, GetHealthRequestObject) (GetHealthResponseObject, error) {
	return GetHealth200JSONResponse{Status: apicommon.HealthStatusOk}, nil
}

// GetReady checks each dependency.
func (s *Server) GetReady(ctx context.Context, _ GetReadyRequestObject) (GetReadyResponseObject, error) {
	checks, ok := s.ready.Run(ctx)
	if !ok {
		return GetReady503JSONResponse{Status: apicommon.HealthStatusUnavailable, Checks: &checks}, nil
	}
	return GetReady200JSONResponse{Status: apicommon.HealthStatusOk, Checks: &checks}, nil
}

func userOut(u domain.User) User {
	// Ids come from our own database; a malformed one is a bug, and the
	// response validation in the tests would catch the zero UUID.
	id, _ := uuid.Parse(u.ID)
	return User{
		Id:          id,
		Name:        u.Name,
		Surname:     u.Surname,
		Email:       u.Email,
		DateOfBirth: openapi_types.Date{Time: u.DateOfBirth},
		CreatedAt:   u.CreatedAt.UTC(),
	}
}
