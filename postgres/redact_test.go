package postgres_test

import (
	"strings"
	"testing"

	"github.com/aquila-go/aquila/postgres"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgresql://u@h/db", "postgresql://u@h/db"},
		{"postgres://u@h/db?password=secret", "postgres://u@h/db?password=xxxxx"},
		{"host=h user=u password=secret dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password='se cr\\'et' dbname=db", "host=h password=xxxxx dbname=db"},
		{"password = secret host=h", "password = xxxxx host=h"},
		{"host=h dbname=db", "host=h dbname=db"},
	}
	for _, tt := range tests {
		got := postgres.Redact(tt.in)
		if got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "secret") || strings.Contains(got, "cr") && strings.Contains(tt.in, "se cr") {
			t.Errorf("Redact(%q) leaks the password: %q", tt.in, got)
		}
	}
}
