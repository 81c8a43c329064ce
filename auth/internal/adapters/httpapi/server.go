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
	}, client(ctx))
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
	return Login200JSONResponse(tokenOut(tok)), nil
}

// Refresh spends a refresh token for a new pair.
func (s *Server) Refresh(ctx context.Context, req RefreshRequestObject) (RefreshResponseObject, error) {
	tok, err := s.svc.Refresh(ctx, req.Body.RefreshToken)
	if err != nil {
		return nil, err
	}
	return Refresh200JSONResponse(tokenOut(tok)), nil
}

// Logout ends the session of a refresh token.
func (s *Server) Logout(ctx context.Context, req LogoutRequestObject) (LogoutResponseObject, error) {
	if err := s.svc.Logout(ctx, req.Body.RefreshToken); err != nil {
		return nil, err
	}
	return Logout204Response{}, nil
}

// ChangePassword changes the caller's password.
func (s *Server) ChangePassword(ctx context.Context, req ChangePasswordRequestObject) (ChangePasswordResponseObject, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.svc.ChangePassword(ctx, c, req.Body.CurrentPassword, req.Body.NewPassword); err != nil {
		return nil, err
	}
	return ChangePassword204Response{}, nil
}

// DeleteMe erases the caller's account.
func (s *Server) DeleteMe(ctx context.Context, req DeleteMeRequestObject) (DeleteMeResponseObject, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteAccount(ctx, c, req.Body.Password); err != nil {
		return nil, err
	}
	return DeleteMe204Response{}, nil
}

// caller is who the verified bearer token names.
func caller(ctx context.Context) (app.Caller, error) {
	claims, ok := bearer.ClaimsFrom(ctx)
	if !ok {
		return app.Caller{}, fmt.Errorf("no claims in context")
	}
	return app.Caller{UserID: claims.UserID, SessionID: claims.SessionID, ClientIP: clientIP(ctx)}, nil
}

func tokenOut(t app.Token) Token {
	return Token{
		AccessToken: t.Value, TokenType: Bearer, ExpiresIn: int(t.TTL.Seconds()),
		RefreshToken: t.Refresh, RefreshExpiresIn: int(t.RefreshTTL.Seconds()),
	}
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
	return GetHealth200JSONResponse(health.Alive()), nil
}

// GetReady checks each dependency.
func (s *Server) GetReady(ctx context.Context, _ GetReadyRequestObject) (GetReadyResponseObject, error) {
	h, ok := s.ready.Report(ctx)
	if !ok {
		return GetReady503JSONResponse(h), nil
	}
	return GetReady200JSONResponse(h), nil
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
