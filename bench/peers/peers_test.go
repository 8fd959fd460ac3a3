package peers_test

import (
	"context"
	"testing"

	"github.com/aquila-go/aquila/bench/peers"
)

func BenchmarkInsert(b *testing.B)      { benchOp(b, peers.Insert) }
func BenchmarkInsertMulti(b *testing.B) { benchOp(b, peers.InsertMulti) }
func BenchmarkUpdate(b *testing.B)      { benchOp(b, peers.Update) }
func BenchmarkRead(b *testing.B)        { benchOp(b, peers.Read) }
func BenchmarkReadSlice(b *testing.B)   { benchOp(b, peers.ReadSlice) }
func BenchmarkBulk10k(b *testing.B)     { benchOp(b, peers.Bulk) }

// benchOp runs op for every contender in one database, each against a
// freshly created models table and on connections opened after it.
func benchOp(b *testing.B, op peers.Op) {
	dsn := pg.URL(b, nil)
	for _, c := range rotate(peers.Contenders(), rotation()) {
		b.Run(c.Name, func(b *testing.B) {
			ctx := context.Background()
			if err := peers.ResetTable(ctx, dsn); err != nil {
				b.Fatal(err)
			}
			d, err := c.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			run, err := d.Prepare(ctx, op)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if op == peers.Bulk {
					// Each iteration starts from an empty table.
					b.StopTimer()
					if err := peers.TruncateTable(ctx, dsn); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if err := run(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
