package postgres

import (
	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/domain"
)

// The generated row types stop at these functions.

func userFromCreated(r sqlcdb.CreateUserRow) domain.User {
	return domain.User{
		ID: r.ID.String(), Name: r.Name, Surname: r.Surname, Email: r.Email,
		DateOfBirth: r.DateOfBirth, CreatedAt: r.CreatedAt,
	}
}

func credentialsFromRow(r sqlcdb.User) domain.Credentials {
	return domain.Credentials{
		User: domain.User{
			ID: r.ID.String(), Name: r.Name, Surname: r.Surname, Email: r.Email,
			DateOfBirth: r.DateOfBirth, CreatedAt: r.CreatedAt,
		},
		PasswordHash: r.Password,
	}
}
