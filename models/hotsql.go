package models

import (
	"strconv"
	"strings"
)

// hotSQL is a statement of the vote path, which runs through database/sql
// directly rather than through gorm: gorm builds a raw statement again on
// every call, walking its text for placeholders, which under load was about
// a tenth of the vote path's CPU in the server. The text is written once
// with ? placeholders; PostgreSQL's form, numbered $1, $2, …, is made once.
type hotSQL struct{ sqlite, postgres string }

// newHotSQL prepares q, written with ? placeholders, for both databases.
func newHotSQL(q string) hotSQL {
	return hotSQL{sqlite: q, postgres: numberPlaceholders(q)}
}

// text is q in the store's database's dialect.
func (s *Store) text(q hotSQL) string {
	if s.postgres {
		return q.postgres
	}
	return q.sqlite
}

// numberPlaceholders turns each ? outside a quoted string or identifier
// into $1, $2, … in order.
func numberPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
