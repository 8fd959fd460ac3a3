package migratelint

import (
	"strconv"
	"strings"
)

// typeAliases maps PostgreSQL's type spellings to one name each.
var typeAliases = map[string]string{
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"bool": "boolean", "float4": "real", "float8": "double precision", "float": "double precision",
	"decimal": "numeric", "character varying": "varchar", "char varying": "varchar",
	"character": "char", "bpchar": "char",
	"timestamptz": "timestamp with time zone", "timestamp without time zone": "timestamp",
	"timetz": "time with time zone", "time without time zone": "time",
}

// normalizeType writes a column type's tokens as one canonical string:
// lower case, aliases resolved, modifiers without spaces ("varchar(20)",
// "numeric(12,2)", "text[]").
func normalizeType(toks []token) string {
	var words []string
	var mods strings.Builder
	for _, t := range toks {
		switch {
		case t.kind == tokIdent || t.kind == tokQuoted:
			if mods.Len() > 0 && !strings.HasSuffix(mods.String(), "(") && !strings.HasSuffix(mods.String(), ",") {
				mods.WriteByte(' ')
			}
			if mods.Len() > 0 {
				mods.WriteString(t.text)
			} else {
				words = append(words, t.text)
			}
		default:
			mods.WriteString(t.text)
		}
	}
	base := strings.Join(words, " ")
	if a, ok := typeAliases[base]; ok {
		base = a
	}
	m := mods.String()
	// "timestamp(3) with time zone" keeps its words after the modifier.
	if i := strings.IndexByte(m, ')'); i >= 0 && i+1 < len(m) && m[i+1] == ' ' {
		rest := strings.TrimSpace(m[i+1:])
		m = m[:i+1]
		base += " " + rest
		if a, ok := typeAliases[base]; ok {
			base = a
		}
	}
	return base + m
}

// noRewrite reports whether PostgreSQL changes a column from type from to
// type to without rewriting the table: the same type, a longer or
// unbounded varchar, varchar to text, a numeric with more precision and
// the same scale, or an unconstrained numeric.
func noRewrite(from, to string) bool {
	if from == to {
		return true
	}
	fb, fm := splitMods(from)
	tb, tm := splitMods(to)
	switch {
	case fb == "varchar" && (to == "text" || tb == "varchar" && (tm == nil || fm != nil && tm[0] >= fm[0])):
		return true
	case fb == "numeric" && tb == "numeric":
		return tm == nil || fm != nil && len(fm) == len(tm) && tm[0] >= fm[0] && (len(fm) < 2 || tm[1] == fm[1])
	}
	return false
}

// splitMods splits "numeric(12,2)" into "numeric" and [12 2].
func splitMods(typ string) (string, []int) {
	base, args, ok := strings.Cut(typ, "(")
	if !ok {
		return typ, nil
	}
	args, ok = strings.CutSuffix(args, ")")
	if !ok {
		return typ, nil
	}
	var mods []int
	for _, a := range strings.Split(args, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			return typ, nil
		}
		mods = append(mods, n)
	}
	return base, mods
}
