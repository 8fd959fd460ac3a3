package postgres

import (
	"net/url"
	"strings"
)

// Redact returns dsn with any password replaced by "xxxxx", for logs.
// It handles both the URL and the keyword/value forms.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "postgres://(unparseable DSN)"
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return redactKeywordValue(dsn)
}

// redactKeywordValue replaces the value of password=… in a keyword/value
// connection string, quoted ('a b\'c') or not.
func redactKeywordValue(dsn string) string {
	var b strings.Builder
	for i := 0; i < len(dsn); {
		rest := dsn[i:]
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			b.WriteString(rest)
			break
		}
		b.WriteString(key)
		b.WriteByte('=')
		i += len(key) + 1
		lead := len(after) - len(strings.TrimLeft(after, " \t"))
		b.WriteString(after[:lead])
		i += lead
		after = after[lead:]
		n := valueLen(after)
		k := strings.TrimRight(key, " \t")
		if k[strings.LastIndexAny(k, " \t")+1:] == "password" {
			b.WriteString("xxxxx")
		} else {
			b.WriteString(after[:n])
		}
		i += n
	}
	return b.String()
}

// valueLen is the length of the keyword/value value at the start of s.
func valueLen(s string) int {
	if strings.HasPrefix(s, "'") {
		for j := 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '\'':
				return j + 1
			}
		}
		return len(s)
	}
	if j := strings.IndexAny(s, " \t"); j >= 0 {
		return j
	}
	return len(s)
}
