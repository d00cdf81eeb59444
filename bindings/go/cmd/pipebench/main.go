// Command pipebench is the Go program of the pipeline benchmark (benches/pipeline/run.sh):
// it logs in, examines INBOX, makes BENCH_N single-message FETCH n (UID FLAGS) calls one
// after the other ("sequential"), then BENCH_N pipelined from one goroutine (SubmitFetch,
// then Wait for each: "pipelined"), then BENCH_N Fetch calls made by 64 goroutines at once
// ("goroutines"), then one FetchEach over as many messages ("fetch_each"), and prints
// "RESULT go <mode> <seconds>" for each.
// Environment: IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASS, BENCH_N (default 1000).
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

func main() {
	n := 1000
	if s := os.Getenv("BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			log.Fatalf("pipebench: BENCH_N=%q", s)
		}
	}
	ctx := context.Background()
	c, err := imap.Dial(ctx, net.JoinHostPort(os.Getenv("IMAP_HOST"), os.Getenv("IMAP_PORT")), nil)
	if err != nil {
		log.Fatalf("pipebench: %v", err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, os.Getenv("IMAP_USER"), os.Getenv("IMAP_PASS")); err != nil {
		log.Fatalf("pipebench: %v", err)
	}
	if _, err := c.Select(ctx, "INBOX", true); err != nil {
		log.Fatalf("pipebench: %v", err)
	}
	info, err := c.Mailbox()
	if err != nil || info.Exists == 0 {
		log.Fatalf("pipebench: INBOX: %+v %v", info, err)
	}
	set := func(i int) string { return strconv.Itoa(i%int(info.Exists) + 1) }

	start := time.Now()
	for i := range n {
		if _, err := c.Fetch(ctx, set(i), "(UID FLAGS)"); err != nil {
			log.Fatalf("pipebench: FETCH %s: %v", set(i), err)
		}
	}
	fmt.Printf("RESULT go sequential %.3f\n", time.Since(start).Seconds())

	start = time.Now()
	pending := make([]*imap.Pending, n)
	for i := range n {
		if pending[i], err = c.SubmitFetch(ctx, set(i), "(UID FLAGS)"); err != nil {
			log.Fatalf("pipebench: submit FETCH %s: %v", set(i), err)
		}
	}
	for i, p := range pending {
		if _, err := p.Wait(ctx); err != nil {
			log.Fatalf("pipebench: FETCH %s: %v", set(i), err)
		}
	}
	fmt.Printf("RESULT go pipelined %.3f\n", time.Since(start).Seconds())

	// Each goroutine waiting in a call holds an OS thread (cgo), hence a pool of 64.
	start = time.Now()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if _, err := c.Fetch(ctx, set(i), "(UID FLAGS)"); err != nil {
					log.Fatalf("pipebench: FETCH %s: %v", set(i), err)
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	fmt.Printf("RESULT go goroutines %.3f\n", time.Since(start).Seconds())

	start = time.Now()
	for _, err := range c.FetchEach(ctx, "1:"+strconv.Itoa(min(n, int(info.Exists))), "(UID FLAGS)") {
		if err != nil {
			log.Fatalf("pipebench: FetchEach: %v", err)
		}
	}
	fmt.Printf("RESULT go fetch_each %.3f\n", time.Since(start).Seconds())
	c.Logout(ctx)
}
