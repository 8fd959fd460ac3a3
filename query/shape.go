package query

import (
	"sync"
	"sync/atomic"
)

// shapeCache maps a query shape — which table binding, columns, operators,
// order and paging, never values — to its SQL text, so a repeated shape
// only binds values. It is bounded: when full, adding a shape evicts an
// arbitrary one (shapes are few in a real program, so a bound that is hit
// signals shapes built from data, which no eviction policy would save).
type shapeCache struct {
	mu   sync.RWMutex
	m    map[string]string
	max  int
	hits atomic.Uint64
	miss atomic.Uint64
	evic atomic.Uint64
}

// ShapeStats counts compiled-shape cache use.
type ShapeStats struct {
	Size      int
	Hits      uint64
	Misses    uint64
	Evictions uint64
}

func newShapeCache(max int) *shapeCache {
	return &shapeCache{m: make(map[string]string, min(max, 64)), max: max}
}

func (c *shapeCache) get(key []byte) (string, bool) {
	c.mu.RLock()
	sql, ok := c.m[string(key)]
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
	} else {
		c.miss.Add(1)
	}
	return sql, ok
}

func (c *shapeCache) put(key []byte, sql string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[string(key)]; ok {
		return
	}
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			c.evic.Add(1)
			break
		}
	}
	c.m[string(key)] = sql
}

func (c *shapeCache) stats() ShapeStats {
	c.mu.RLock()
	n := len(c.m)
	c.mu.RUnlock()
	return ShapeStats{Size: n, Hits: c.hits.Load(), Misses: c.miss.Load(), Evictions: c.evic.Load()}
}
