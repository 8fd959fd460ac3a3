package query

import (
	"strconv"
	"strings"
)

// render writes the SQL text of q's shape. It walks the query in the same
// order as build, so placeholders number the arguments build collected.
func (q *Query[T]) render(kind byte, ord []orderItem, pg paging) string {
	t := q.t
	var b strings.Builder
	n := 0
	switch kind {
	case kindSelect:
		b.WriteString("SELECT ")
		b.WriteString(t.selectList)
		b.WriteString(" FROM ")
	case kindCount:
		b.WriteString("SELECT count(*) FROM ")
	case kindExists:
		b.WriteString("SELECT EXISTS (SELECT 1 FROM ")
	}
	b.WriteString(t.m.quoted)
	nw := q.numWhere()
	keyset := pg.has(pageKeyset)
	if nw > 0 || keyset {
		b.WriteString(" WHERE ")
		for i := range nw {
			if i > 0 {
				b.WriteString(" AND ")
			}
			t.s.renderCond(&b, t.m, q.whereAt(i), &n)
		}
		if keyset {
			if nw > 0 {
				b.WriteString(" AND ")
			}
			renderKeyset(&b, t.m, ord, &n)
		}
	}
	if len(ord) > 0 {
		b.WriteString(" ORDER BY ")
		for i, o := range ord {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(t.m.cols[o.col].quoted)
			if o.desc {
				b.WriteString(" DESC")
			}
			switch o.nulls {
			case NullsFirst:
				b.WriteString(" NULLS FIRST")
			case NullsLast:
				b.WriteString(" NULLS LAST")
			}
		}
	}
	if pg.has(pageLimit) {
		b.WriteString(" LIMIT ")
		placeholder(&b, &n)
	}
	if pg.has(pageOffset) {
		b.WriteString(" OFFSET ")
		placeholder(&b, &n)
	}
	if kind == kindExists {
		b.WriteString(")")
	}
	return b.String()
}

func placeholder(b *strings.Builder, n *int) {
	*n++
	b.WriteByte('$')
	b.WriteString(strconv.Itoa(*n))
}

func (s *Schema) renderCond(b *strings.Builder, t *tableMeta, c *Cond, n *int) {
	kids := c.kids()
	switch c.op {
	case opAnd, opOr:
		if len(kids) == 0 {
			if c.op == opAnd {
				b.WriteString("TRUE")
			} else {
				b.WriteString("FALSE")
			}
			return
		}
		sep := " AND "
		if c.op == opOr {
			sep = " OR "
		}
		b.WriteByte('(')
		for i := range kids {
			if i > 0 {
				b.WriteString(sep)
			}
			s.renderCond(b, t, &kids[i], n)
		}
		b.WriteByte(')')
		return
	case opNot:
		b.WriteString("NOT ")
		k := &kids[0]                      // Not has exactly one operand
		if k.op == opAnd || k.op == opOr { // parenthesised already
			s.renderCond(b, t, k, n)
			return
		}
		b.WriteByte('(')
		s.renderCond(b, t, k, n)
		b.WriteByte(')')
		return
	case opInSelect:
		sub := s.byName[c.x.table]
		b.WriteString(t.cols[t.byName[c.col]].quoted)
		b.WriteString(" IN (SELECT ")
		b.WriteString(sub.cols[sub.byName[c.x.key]].quoted)
		b.WriteString(" FROM ")
		b.WriteString(sub.quoted)
		if len(kids) > 0 {
			b.WriteString(" WHERE ")
			for i := range kids {
				if i > 0 {
					b.WriteString(" AND ")
				}
				s.renderCond(b, sub, &kids[i], n)
			}
		}
		b.WriteByte(')')
		return
	}
	b.WriteString(t.cols[t.byName[c.col]].quoted)
	switch c.op {
	case OpEq:
		b.WriteString(" = ")
	case OpNe:
		b.WriteString(" <> ")
	case OpLt:
		b.WriteString(" < ")
	case OpLe:
		b.WriteString(" <= ")
	case OpGt:
		b.WriteString(" > ")
	case OpGe:
		b.WriteString(" >= ")
	case OpIn:
		b.WriteString(" = ANY(")
		placeholder(b, n)
		b.WriteByte(')')
		return
	case OpNotIn:
		b.WriteString(" <> ALL(")
		placeholder(b, n)
		b.WriteByte(')')
		return
	case OpIsNull:
		b.WriteString(" IS NULL")
		return
	case OpNotNull:
		b.WriteString(" IS NOT NULL")
		return
	case OpLike, OpContains, OpHasPrefix:
		b.WriteString(" LIKE ")
	case OpILike, OpIContains, OpIHasPrefix:
		b.WriteString(" ILIKE ")
	case OpBetween:
		b.WriteString(" BETWEEN ")
		placeholder(b, n)
		b.WriteString(" AND ")
	}
	placeholder(b, n)
}

// renderKeyset writes the condition "after the cursor row" for ord: a row
// comparison when every item has the same direction (which an index on
// the columns serves), else the expanded OR of prefixes.
func renderKeyset(b *strings.Builder, t *tableMeta, ord []orderItem, n *int) {
	first := *n + 1
	*n += len(ord)
	uniform := true
	for _, o := range ord {
		uniform = uniform && o.desc == ord[0].desc
	}
	op := func(desc bool) string {
		if desc {
			return " < "
		}
		return " > "
	}
	ph := func(i int) string { return "$" + strconv.Itoa(first+i) }
	if uniform {
		if len(ord) == 1 {
			b.WriteString(t.cols[ord[0].col].quoted + op(ord[0].desc) + ph(0))
			return
		}
		b.WriteByte('(')
		for i, o := range ord {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(t.cols[o.col].quoted)
		}
		b.WriteString(")" + op(ord[0].desc) + "(")
		for i := range ord {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ph(i))
		}
		b.WriteByte(')')
		return
	}
	b.WriteByte('(')
	for i, o := range ord {
		if i == 0 {
			b.WriteString(t.cols[o.col].quoted + op(o.desc) + ph(0))
			continue
		}
		b.WriteString(" OR (")
		for j := 0; j < i; j++ {
			b.WriteString(t.cols[ord[j].col].quoted + " = " + ph(j) + " AND ")
		}
		b.WriteString(t.cols[o.col].quoted + op(o.desc) + ph(i))
		b.WriteByte(')')
	}
	b.WriteByte(')')
}
