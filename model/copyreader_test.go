package model

import (
	"bytes"
	"encoding/binary"
	"io"
	"strconv"
	"testing"
)

type crRow struct {
	id   int64
	name string
}

func crReader(rows []crRow) *copyReader[crRow] {
	r := &copyReader[crRow]{fields: []encoder[crRow]{
		func(b []byte, r *crRow) []byte {
			b = binary.BigEndian.AppendUint32(b, 8)
			return binary.BigEndian.AppendUint64(b, uint64(r.id))
		},
		func(b []byte, r *crRow) []byte {
			b = binary.BigEndian.AppendUint32(b, uint32(len(r.name)))
			return append(b, r.name...)
		},
	}}
	r.reset(sliceRows(rows))
	return r
}

// TestCopyReaderFillsEachRead checks that the binary COPY stream is the
// same whatever the reader's buffer size, and that every Read but the last
// fills its buffer, so that pgconn sends full CopyData messages.
func TestCopyReaderFillsEachRead(t *testing.T) {
	rows := make([]crRow, 5000)
	for i := range rows {
		rows[i] = crRow{int64(i), "name " + strconv.Itoa(i*i)}
	}
	var want bytes.Buffer
	want.WriteString(copyHeader)
	for i := range rows {
		want.Write([]byte{0, 2, 0, 0, 0, 8})
		want.Write(binary.BigEndian.AppendUint64(nil, uint64(rows[i].id)))
		want.Write(binary.BigEndian.AppendUint32(nil, uint32(len(rows[i].name))))
		want.WriteString(rows[i].name)
	}
	want.Write([]byte{0xff, 0xff})

	for _, size := range []int{1, 7, 19, 4096, 65531, 1 << 20} {
		r := crReader(rows)
		p := make([]byte, size)
		var got bytes.Buffer
		short := 0
		for {
			n, err := r.Read(p)
			got.Write(p[:n])
			if err == io.EOF {
				if n != 0 {
					t.Fatalf("size %d: EOF with %d bytes", size, n)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if n < size {
				short++
			}
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("size %d: stream differs (%d bytes, want %d)", size, got.Len(), want.Len())
		}
		if short > 1 {
			t.Errorf("size %d: %d short reads, want at most the last", size, short)
		}
		if size < 1<<20 && len(r.buf) > copyBufSize+64 {
			t.Errorf("size %d: buffer grew to %d bytes", size, len(r.buf))
		}
	}

	r := crReader(nil)
	got, err := io.ReadAll(r)
	if err != nil || string(got) != copyHeader+"\xff\xff" {
		t.Fatalf("no rows: %q, %v", got, err)
	}
}
