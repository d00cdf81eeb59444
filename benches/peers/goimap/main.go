// The performance benchmark's workloads through go-imap v2 (a peer, run by benches/run.sh with
// PEERS=1, built in a temporary directory with its own module cache). Same environment, same
// protocol and RESULT line as benches/workloads/floor.c; the client name is "go-imap".
//
//	w1   UID FETCH 1:* BODY.PEEK[] collected (FetchCommand.Collect): every body kept
//	w1s  the same, each body read from its literal reader into io.Discard
//	w2   UID FETCH 1:* (ENVELOPE BODYSTRUCTURE) collected, parsed by go-imap
//	w2e  the same, message by message (FetchCommand.Next, FetchMessageData.Collect)
//	w3   1,000 x FETCH n (FLAGS), each collected
//	w4   the 100 MiB message through the literal reader
//	w5   50 x (DialTLS with the test CA, Login, Select INBOX, Logout)
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "go-imap: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

func check(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-imap: %s: %v\n", what, err)
		os.Exit(1)
	}
}

func cpu() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func statusBytes(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), field) {
			kb, _ := strconv.ParseInt(strings.Fields(s.Text())[1], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

type mark struct {
	cpu  float64
	wall time.Time
	rss  int64
}

func start() mark {
	m := mark{cpu: cpu(), wall: time.Now()}
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	m.rss = statusBytes("VmRSS:")
	return m
}

func (m mark) end(workload string, n uint64) {
	c, w, hwm := cpu(), time.Since(m.wall).Seconds(), statusBytes("VmHWM:")
	fmt.Printf("RESULT go-imap %s cpu=%.6f wall=%.6f mem=%d check=%d\n", workload, c-m.cpu, w, hwm-m.rss, n)
}

func structure(env *imap.Envelope, bs imap.BodyStructure) uint64 {
	var n uint64
	if env != nil {
		n += uint64(len(env.From))
	}
	if mp, ok := bs.(*imap.BodyStructureMultiPart); ok {
		n += uint64(len(mp.Children))
	}
	return n
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goimap <workload>")
		os.Exit(2)
	}
	w := os.Args[1]
	host := env("IMAP_HOST")
	user, pass := env("IMAP_USER"), env("IMAP_PASS")
	all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}
	body := &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	structOpts := &imap.FetchOptions{Envelope: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}

	if w == "w5" {
		addr := net.JoinHostPort(host, env("IMAP_TLS_PORT"))
		pem, err := os.ReadFile(env("IMAP_CA"))
		check(err, "IMAP_CA")
		m := start()
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			check(fmt.Errorf("no certificate"), "IMAP_CA")
		}
		opts := &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool, ServerName: host}}
		var n uint64
		for i := 0; i < 50; i++ {
			c, err := imapclient.DialTLS(addr, opts)
			check(err, "DialTLS")
			check(c.Login(user, pass).Wait(), "Login")
			_, err = c.Select("INBOX", nil).Wait()
			check(err, "Select")
			check(c.Logout().Wait(), "Logout")
			c.Close()
			n++
		}
		m.end(w, n)
		return
	}
	switch w {
	case "w1", "w1s", "w2", "w2e", "w3", "w4":
	default:
		fmt.Fprintf(os.Stderr, "go-imap: unknown workload %s\n", w)
		os.Exit(2)
	}
	c, err := imapclient.DialInsecure(net.JoinHostPort(host, env("IMAP_PORT")), nil)
	check(err, "DialInsecure")
	check(c.Login(user, pass).Wait(), "Login")
	mailbox := env("BENCH_W1_MAILBOX")
	if w == "w4" {
		mailbox = env("BENCH_W4_MAILBOX")
	}
	_, err = c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	check(err, "Select")

	var n uint64
	var kept []*imapclient.FetchMessageBuffer
	m := start()
	switch w {
	case "w1":
		kept, err = c.Fetch(all, body).Collect()
		check(err, "Fetch")
		for _, msg := range kept {
			for _, s := range msg.BodySection {
				n += uint64(len(s.Bytes))
			}
		}
	case "w1s", "w4":
		cmd := c.Fetch(all, body)
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if s, ok := item.(imapclient.FetchItemDataBodySection); ok {
					k, err := io.Copy(io.Discard, s.Literal)
					check(err, "literal")
					n += uint64(k)
				}
			}
		}
		check(cmd.Close(), "Fetch")
	case "w2":
		kept, err = c.Fetch(all, structOpts).Collect()
		check(err, "Fetch")
		for _, msg := range kept {
			n += structure(msg.Envelope, msg.BodyStructure)
		}
	case "w2e":
		cmd := c.Fetch(all, structOpts)
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			b, err := msg.Collect()
			check(err, "message")
			n += structure(b.Envelope, b.BodyStructure)
		}
		check(cmd.Close(), "Fetch")
	case "w3":
		for i := uint32(1); i <= 1000; i++ {
			msgs, err := c.Fetch(imap.SeqSetNum(i), &imap.FetchOptions{Flags: true}).Collect()
			check(err, "Fetch")
			for _, msg := range msgs {
				n += uint64(len(msg.Flags))
			}
		}
	}
	m.end(w, n)
	kept = nil
	c.Logout().Wait()
	c.Close()
}
