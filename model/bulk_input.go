package model

import (
	"iter"
	"sync"
)

// chunk is a run of consecutive input rows that one COPY statement sends.
type chunk[T any] struct {
	next  func() (*T, bool) // yields the rows, each valid until the following call
	start int64             // index of the first row in the input
	last  bool              // known to be the final chunk (a slice's last; a stream cannot know)
}

// input is the rows of a bulk operation, cut into chunks.
type input[T any] struct {
	rows        int          // number of rows, -1 when unknown (a stream)
	prevalidate func() error // runs before anything is sent; nil for none
	// chunks calls send with consecutive chunks of at most size rows and
	// returns send's first error.
	chunks func(size int, send func(chunk[T]) error) error
}

// sliceInput cuts a slice into chunks. The validate hook runs on every row
// before anything is sent.
func sliceInput[T any](b *Binding[T], rows []T) input[T] {
	in := input[T]{
		rows: len(rows),
		chunks: func(size int, send func(chunk[T]) error) error {
			for start := 0; start < len(rows); start += size {
				end := min(start+size, len(rows))
				c := chunk[T]{next: sliceRows(rows[start:end]), start: int64(start), last: end == len(rows)}
				if err := send(c); err != nil {
					return err
				}
			}
			return nil
		},
	}
	if b.validate != nil {
		in.prevalidate = func() error {
			for i := range rows {
				if err := b.validate(&rows[i]); err != nil {
					return &RowError{Row: int64(i), Err: err}
				}
			}
			return nil
		}
	}
	return in
}

// sliceRows yields rows in order.
func sliceRows[T any](rows []T) func() (*T, bool) {
	i := 0
	return func() (*T, bool) {
		if i == len(rows) {
			return nil, false
		}
		i++
		return &rows[i-1], true
	}
}

// seqInput pulls rows from the stream as the chunks' COPY statements
// consume them. The first row of each chunk is pulled before the chunk is
// sent, on the caller's goroutine, so that an empty stream sends nothing
// and a stream that ends on a chunk boundary sends no empty COPY; the
// others are pulled by the encoder, on pgx's COPY goroutine, which is why
// a panic there is caught and re-raised once send has returned.
func seqInput[T any](b *Binding[T], rows iter.Seq2[T, error]) input[T] {
	return input[T]{
		rows: -1,
		chunks: func(size int, send func(chunk[T]) error) error {
			next, stop := iter.Pull2(rows)
			var (
				mu       sync.Mutex // serialises next and stop: pgconn may return before its goroutine stops reading
				closed   bool
				row      T     // the row pulled last
				held     bool  // row is pulled but not yet sent
				pulled   int64 // rows pulled and accepted
				err      error // the stream's error or a row the hook rejected
				panicked any
			)
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				closed = true
				stop()
			}()
			advance := func() bool {
				mu.Lock()
				defer mu.Unlock()
				if closed || err != nil || panicked != nil {
					return false
				}
				defer func() {
					if p := recover(); p != nil {
						panicked = p
					}
				}()
				r, rerr, ok := next()
				switch {
				case !ok:
					return false
				case rerr != nil:
					err = rerr
					return false
				}
				if b.validate != nil {
					if verr := b.validate(&r); verr != nil {
						err = &RowError{Row: pulled, Err: verr}
						return false
					}
				}
				row, held = r, true
				pulled++
				return true
			}
			for start := int64(0); held || advance(); {
				n := 0
				next := func() (*T, bool) {
					if n == size || (!held && !advance()) {
						return nil, false
					}
					held = false
					n++
					return &row, true
				}
				serr := send(chunk[T]{next: next, start: start})
				mu.Lock()
				perr, p := err, panicked
				mu.Unlock()
				switch {
				case p != nil:
					panic(p)
				case perr != nil:
					// The chunk ended early and its COPY may even have
					// succeeded: the caller rolls back either way.
					return perr
				case serr != nil:
					return serr
				}
				start += int64(n)
			}
			if panicked != nil {
				panic(panicked)
			}
			return err
		},
	}
}
