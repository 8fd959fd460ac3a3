// Command httpload is the load generator of the HTTP benchmark: clients
// keep-alive connections each send GET <path><id> with a random id in
// [1, ids], one request at a time, for a duration, and it prints one line:
//
//	requests=N seconds=S errors=E p50_us=X p99_us=Y
//
// It speaks HTTP/1.1 over plain TCP itself (a request is one write, a
// response is read with a buffered reader), so that it costs the server's
// machine little CPU and the same for every server.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "", "base URL of the resource, e.g. http://127.0.0.1:8080/books/")
	ids := flag.Int64("ids", 10_000, "ids are drawn uniformly from [1, ids]")
	clients := flag.Int("clients", 16, "concurrent keep-alive connections")
	duration := flag.Duration("duration", time.Second, "how long to send requests")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*target, *ids, *clients, *duration, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

func run(target string, ids int64, clients int, d time.Duration, seed uint64) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url must be an http:// URL, got %q", target)
	}
	if ids < 1 || clients < 1 || d <= 0 {
		return errors.New("-ids, -clients and -duration must be positive")
	}
	lats := make([][]time.Duration, clients)
	errs := make([]int, clients)
	fatal := make([]error, clients)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			lats[c], errs[c], fatal[c] = client(u, ids, deadline, rand.New(rand.NewPCG(seed, uint64(c))))
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(fatal...); err != nil {
		return err
	}
	var all []time.Duration
	nerr := 0
	for c := range clients {
		all = append(all, lats[c]...)
		nerr += errs[c]
	}
	slices.Sort(all)
	q := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / 1e3
	}
	fmt.Printf("requests=%d seconds=%.6f errors=%d p50_us=%.1f p99_us=%.1f\n", len(all), elapsed.Seconds(), nerr, q(0.5), q(0.99))
	return nil
}

// client sends requests on one connection until deadline and returns the
// latency of each, and how many were not 200.
func client(u *url.URL, ids int64, deadline time.Time, rng *rand.Rand) ([]time.Duration, int, error) {
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 32<<10)
	req := make([]byte, 0, 256)
	lats := make([]time.Duration, 0, 1<<14)
	bad := 0
	for t0 := time.Now(); t0.Before(deadline); {
		req = append(req[:0], "GET "...)
		req = append(req, u.Path...)
		req = strconv.AppendInt(req, 1+rng.Int64N(ids), 10)
		req = append(req, " HTTP/1.1\r\nHost: "...)
		req = append(req, u.Host...)
		req = append(req, "\r\n\r\n"...)
		if _, err := conn.Write(req); err != nil {
			return nil, 0, err
		}
		status, err := readResponse(br)
		if err != nil {
			return nil, 0, err
		}
		if status != 200 {
			bad++
		}
		t1 := time.Now()
		lats = append(lats, t1.Sub(t0))
		t0 = t1
	}
	return lats, bad, nil
}

// readResponse reads one response (Content-Length or chunked body) and
// returns its status code.
func readResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, _ := bytes.Cut(h, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", v)
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		}
	}
	switch {
	case chunked:
		for {
			szLine, err := br.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			n, err := strconv.ParseInt(string(bytes.TrimRight(szLine, "\r\n")), 16, 64)
			if err != nil {
				return 0, fmt.Errorf("bad chunk size %q", szLine)
			}
			if _, err := br.Discard(int(n) + 2); err != nil {
				return 0, err
			}
			if n == 0 {
				return status, nil
			}
		}
	case length >= 0:
		_, err = br.Discard(length)
		return status, err
	}
	return 0, io.ErrUnexpectedEOF
}
