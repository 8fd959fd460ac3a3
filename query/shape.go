package query

import (
	"sync"
	"sync/atomic"
)

// shapeCache maps a query shape — which table binding, columns, operators,
// order and paging, never values — to its SQL text, so a repeated shape
// only binds values.
//
// The map is copy-on-write: a lookup is an atomic pointer load and a plain
// map read, with no lock and no write to shared memory, so the hit path
// costs the same on every CPU at once. Adding a shape copies the map under
// a mutex, which is cheap because shapes are few and each is added once.
// It is bounded: when full, adding a shape drops an arbitrary one (a bound
// that is reached signals shapes built from data, which no eviction policy
// would save).
type shapeCache struct {
	cur  atomic.Pointer[map[string]string]
	max  int
	miss atomic.Uint64
	evic atomic.Uint64
	mu   sync.Mutex // serialises writers
}

// ShapeStats counts compiled-shape cache use: Misses is the number of SQL
// texts rendered, Size the number kept.
type ShapeStats struct {
	Size      int
	Misses    uint64
	Evictions uint64
}

func newShapeCache(max int) *shapeCache {
	c := &shapeCache{max: max}
	m := map[string]string{}
	c.cur.Store(&m)
	return c
}

func (c *shapeCache) get(key []byte) (string, bool) {
	sql, ok := (*c.cur.Load())[string(key)]
	if !ok {
		c.miss.Add(1)
	}
	return sql, ok
}

func (c *shapeCache) put(key []byte, sql string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.cur.Load()
	if _, ok := old[string(key)]; ok {
		return
	}
	next := make(map[string]string, len(old)+1)
	drop := len(old) >= c.max
	for k, v := range old {
		if drop {
			drop = false
			c.evic.Add(1)
			continue
		}
		next[k] = v
	}
	next[string(key)] = sql
	c.cur.Store(&next)
}

func (c *shapeCache) stats() ShapeStats {
	return ShapeStats{Size: len(*c.cur.Load()), Misses: c.miss.Load(), Evictions: c.evic.Load()}
}
