// Command wbench is the Go program of the workload benchmark (benches/run.sh; the plan and
// the measuring protocol are the issue's): `wbench <workload>` connects, logs in and
// examines outside the measured part (except w5, whose workload is connecting), measures
// one workload and prints one line on stdout:
//
//	RESULT go <workload> cpu=<s> wall=<s> mem=<bytes> check=<n>
//
// cpu is getrusage(RUSAGE_SELF) user+sys, wall the elapsed time, mem VmHWM after minus VmRSS
// before (the peak is reset through /proc/self/clear_refs before). Everything else goes to
// stderr. Workloads:
//
//	w1   UID FETCH 1:* BODY.PEEK[] of BENCH_W1_MAILBOX into a Result held to the end, every
//	     body reachable through a LiteralReader (no copy); check = body bytes (the program
//	     at 958b4a1, for the API before LiteralReader, copied them out with Literals)
//	w1m  (not in the plan) the same into Go memory: UIDFetchAll, each body once in a
//	     Message's Section; check = body bytes
//	w1s  the same streamed to a LiteralFunc (SetLiteralHandler), nothing kept; check = bytes
//	w2   UID FETCH 1:* (ENVELOPE BODYSTRUCTURE), parsed (UIDFetchAll; at 958b4a1 UID and
//	     ParseFetch, the Result kept too), all messages kept;
//	     check = sum over messages of len(Envelope.From) (the library's from_count, group
//	     markers included) + len(BodyStructure.Children) (child_count: 0 for a single part)
//	w2e  the same message by message (UIDFetchEach), nothing kept; same check
//	w3   1,000 single FETCH n (FLAGS), n = 1..1000, each parsed (FetchParsed); check =
//	     number of flags seen
//	w4   UID FETCH <uid> BODY.PEEK[] of the one message of BENCH_W4_MAILBOX, streamed to a
//	     LiteralFunc; check = body bytes
//	w5   50 x (DialTLS to IMAP_TLS_PORT verifying IMAP_CA, LOGIN, SELECT INBOX, LOGOUT);
//	     check = 50
//
// Environment: IMAP_HOST, IMAP_PORT, IMAP_TLS_PORT, IMAP_CA, IMAP_USER, IMAP_PASS,
// BENCH_W1_MAILBOX (default bench10k), BENCH_W4_MAILBOX (default bench100m). For
// profiling only: WBENCH_CPUPROFILE=<file> writes a CPU profile of the measured part, and
// WBENCH_REPEAT=<n> runs the workload n times in it (the figures then cover all n).
package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "wbench: "+format+"\n", a...)
	os.Exit(1)
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if def == "" {
		fail("%s is not set", name)
	}
	return def
}

// cpuSeconds is the process's user+sys time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail("getrusage: %v", err)
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// statusKB reads a "Name:  N kB" line of /proc/self/status, in bytes.
func statusKB(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fail("read /proc/self/status: %v", err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte(name+":")); ok {
			f := bytes.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return n * 1024
			}
		}
	}
	fail("no %s in /proc/self/status", name)
	return 0
}

// measure runs work between the protocol's two readings and prints the RESULT line.
func measure(workload string, work func() int64) {
	runtime.GC()
	cpu0, wall0 := cpuSeconds(), time.Now()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		fail("reset the peak RSS: %v", err)
	}
	rss0 := statusKB("VmRSS")
	if f := os.Getenv("WBENCH_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			fail("profile: %v", err)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			fail("profile: %v", err)
		}
		defer pprof.StopCPUProfile()
	}
	repeat, _ := strconv.Atoi(os.Getenv("WBENCH_REPEAT"))
	for range repeat - 1 {
		work()
	}
	check := work()
	cpu1, wall := cpuSeconds(), time.Since(wall0)
	hwm := statusKB("VmHWM")
	fmt.Printf("RESULT go %s cpu=%.6f wall=%.6f mem=%d check=%d\n", workload, cpu1-cpu0,
		wall.Seconds(), hwm-rss0, check)
}

// session connects to the plain port, logs in and examines mailbox.
func session(ctx context.Context, mailbox string) *imap.Client {
	c, err := imap.Dial(ctx, net.JoinHostPort(env("IMAP_HOST", "127.0.0.1"), env("IMAP_PORT", "")), nil)
	if err != nil {
		fail("connect: %v", err)
	}
	if _, err := c.LoginCommand(ctx, env("IMAP_USER", "user1"), env("IMAP_PASS", "pass1")); err != nil {
		fail("login: %v", err)
	}
	if mailbox != "" {
		if _, err := c.Select(ctx, mailbox, true); err != nil {
			fail("examine %s: %v", mailbox, err)
		}
	}
	return c
}

// streamCounter streams every literal of c to a counter of its bytes.
func streamCounter(c *imap.Client) *int64 {
	var n int64
	if err := c.SetLiteralHandler(0, func(ch imap.LiteralChunk) error {
		n += int64(len(ch.Data))
		return nil
	}); err != nil {
		fail("literal handler: %v", err)
	}
	return &n
}

func w2check(m *imap.Message) int64 {
	var n int64
	if m.Envelope != nil {
		n += int64(len(m.Envelope.From))
	}
	if m.BodyStructure != nil {
		n += int64(len(m.BodyStructure.Children))
	}
	return n
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: wbench w1|w1s|w1m|w2|w2e|w3|w4|w5")
	}
	ctx := context.Background()
	w1box := env("BENCH_W1_MAILBOX", "bench10k")
	switch wl := os.Args[1]; wl {
	case "w1":
		c := session(ctx, w1box)
		defer c.Close()
		var keep []*imap.LiteralReader
		measure(wl, func() int64 {
			r, err := c.UID(ctx, "FETCH", "1:*", "(BODY.PEEK[])")
			if err != nil {
				fail("UID FETCH: %v", err)
			}
			keep = r.LiteralReaders()
			var n int64
			for _, b := range keep {
				n += b.Size()
			}
			return n
		})
		runtime.KeepAlive(keep)
	case "w1m":
		c := session(ctx, w1box)
		defer c.Close()
		var msgs []*imap.Message
		measure(wl, func() int64 {
			var err error
			if msgs, err = c.UIDFetchAll(ctx, "1:*", "(BODY.PEEK[])"); err != nil {
				fail("UID FETCH: %v", err)
			}
			var n int64
			for _, m := range msgs {
				n += int64(len(m.Section("")))
			}
			return n
		})
		runtime.KeepAlive(msgs)
	case "w1s":
		c := session(ctx, w1box)
		defer c.Close()
		n := streamCounter(c)
		measure(wl, func() int64 {
			if _, err := c.UID(ctx, "FETCH", "1:*", "(BODY.PEEK[])"); err != nil {
				fail("UID FETCH: %v", err)
			}
			return *n
		})
	case "w2":
		c := session(ctx, w1box)
		defer c.Close()
		var msgs []*imap.Message
		measure(wl, func() int64 {
			var err error
			if msgs, err = c.UIDFetchAll(ctx, "1:*", "(ENVELOPE BODYSTRUCTURE)"); err != nil {
				fail("UID FETCH: %v", err)
			}
			var n int64
			for _, m := range msgs {
				n += w2check(m)
			}
			return n
		})
		runtime.KeepAlive(msgs)
	case "w2e":
		c := session(ctx, w1box)
		defer c.Close()
		measure(wl, func() int64 {
			var n int64
			for m, err := range c.UIDFetchEach(ctx, "1:*", "(ENVELOPE BODYSTRUCTURE)") {
				if err != nil {
					fail("UID FETCH: %v", err)
				}
				n += w2check(m)
			}
			return n
		})
	case "w3":
		c := session(ctx, w1box)
		defer c.Close()
		sets := make([]string, 1000)
		for i := range sets {
			sets[i] = strconv.Itoa(i + 1)
		}
		measure(wl, func() int64 {
			var n int64
			for _, set := range sets {
				msgs, err := c.FetchParsed(ctx, set, "(FLAGS)")
				if err != nil {
					fail("FETCH %s: %v", set, err)
				}
				for _, m := range msgs {
					n += int64(len(m.Flags))
				}
			}
			return n
		})
	case "w4":
		c := session(ctx, env("BENCH_W4_MAILBOX", "bench100m"))
		defer c.Close()
		r, err := c.UID(ctx, "SEARCH", "ALL")
		if err != nil {
			fail("UID SEARCH: %v", err)
		}
		sr, err := r.ParseSearch()
		if err != nil || len(sr.IDs) == 0 {
			fail("UID SEARCH: no message (%v)", err)
		}
		uid := strconv.FormatUint(uint64(sr.IDs[0]), 10)
		n := streamCounter(c)
		measure(wl, func() int64 {
			if _, err := c.UID(ctx, "FETCH", uid, "(BODY.PEEK[])"); err != nil {
				fail("UID FETCH: %v", err)
			}
			return *n
		})
	case "w5":
		addr := net.JoinHostPort(env("IMAP_HOST", "127.0.0.1"), env("IMAP_TLS_PORT", ""))
		opts := &imap.Options{CAFile: env("IMAP_CA", "")}
		user, pass := env("IMAP_USER", "user1"), env("IMAP_PASS", "pass1")
		measure(wl, func() int64 {
			var n int64
			for range 50 {
				c, err := imap.DialTLS(ctx, addr, opts)
				if err != nil {
					fail("connect: %v", err)
				}
				if _, err := c.LoginCommand(ctx, user, pass); err != nil {
					fail("login: %v", err)
				}
				if _, err := c.Select(ctx, "INBOX", false); err != nil {
					fail("select: %v", err)
				}
				if _, err := c.Logout(ctx); err != nil {
					fail("logout: %v", err)
				}
				c.Close()
				n++
			}
			return n
		})
	default:
		fail("unknown workload %q", wl)
	}
}
