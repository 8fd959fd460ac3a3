package query

import "testing"

// BenchmarkShapeLookup isolates the compiled-shape cache lookup of a
// typical key (the rest of the hit path is in BenchmarkShapeCacheHit).
func BenchmarkShapeLookup(b *testing.B) {
	c := newShapeCache(DefaultShapeCacheSize)
	key := []byte{kindSelect, 1, byte(OpEq), 1, 0xff, 0, 0}
	c.put(key, "SELECT 1")
	for i := range 100 { // a realistic number of other shapes
		c.put([]byte{kindSelect, 2, byte(i)}, "SELECT 2")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.get(key); !ok {
			b.Fatal("miss")
		}
	}
}

func TestShapeCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := newShapeCache(8)
	done := make(chan bool)
	for g := range 4 {
		go func() {
			for i := range 200 {
				key := []byte{byte(g), byte(i % 16)}
				if _, ok := c.get(key); !ok {
					c.put(key, "x")
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	if st := c.stats(); st.Size > 8 {
		t.Fatalf("cache grew past its bound: %+v", st)
	}
}
