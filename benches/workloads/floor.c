/* The raw floor client of the performance benchmark (benches/README.md): plain sockets (and
 * OpenSSL for w5, verifying the server's certificate against IMAP_CA and the host name), the
 * same commands as every other client, and nothing but a scan for CRLF and literal markers
 * `{n}`: literal bytes are skipped, never kept. Each command waits for its tagged OK.
 *
 *   floor <w1|w1s|w2|w2e|w3|w4|w5>
 *   FLOOR_KEEP=1 floor w1     ("floor-keep": w1 keeping every body in memory, see keep_new)
 *
 * Environment: IMAP_HOST, IMAP_PORT, IMAP_TLS_PORT, IMAP_CA, IMAP_USER, IMAP_PASS,
 * BENCH_W1_MAILBOX, BENCH_W4_MAILBOX. Prints one RESULT line (bench_measure.h).
 *
 * Checks: w1/w1s/w4 the literal bytes, w3 the flags in the FLAGS lists, w5 the sessions.
 * w2/w2e: the measured run only frames the responses; the check (sum over messages of the
 * ENVELOPE's from-address count and the BODYSTRUCTURE root's child count) comes from a second,
 * unmeasured FETCH whose responses are read by a small structural scanner, so that the other
 * clients' parsed figures have a reference. */
#include "bench_measure.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)

typedef struct conn {
  int fd;
  SSL *ssl;
  char *buf;
  size_t cap, start, end;
  unsigned tag;
} conn;

/* Called per response line (literal bytes excluded), or in keep mode per whole response. */
typedef void (*line_fn)(void *ctx, const char *line, size_t len);

static void die(const char *what) {
  fprintf(stderr, "floor: %s\n", what);
  exit(1);
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) {
    fprintf(stderr, "floor: %s is not set\n", name);
    exit(2);
  }
  return v;
}

static int tcp_connect(const char *host, const char *port) {
  struct addrinfo hints, *res, *ai;
  int fd = -1, one = 1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0)
    die("cannot resolve the host");
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
      continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0)
    die("cannot connect");
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static ssize_t conn_read(conn *c, char *p, size_t n) {
  for (;;) {
    ssize_t r;
    if (c->ssl) {
      int k = SSL_read(c->ssl, p, (int)(n > 1 << 30 ? 1 << 30 : n));
      if (k > 0)
        return k;
      die("TLS read failed or connection closed");
    }
    r = read(c->fd, p, n);
    if (r > 0)
      return r;
    if (r < 0 && errno == EINTR)
      continue;
    die("connection closed");
  }
}

static void conn_write(conn *c, const char *p, size_t n) {
  while (n) {
    ssize_t w;
    if (c->ssl) {
      int k = SSL_write(c->ssl, p, (int)n);
      if (k <= 0)
        die("TLS write failed");
      w = k;
    } else {
      w = write(c->fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        die("write failed");
    }
    p += w;
    n -= (size_t)w;
  }
}

/* One line (up to and including LF) at c->buf + c->start, reading more as needed; returns its
 * length. The buffer grows only for a line longer than it. */
static size_t next_line(conn *c) {
  size_t scanned = 0;
  for (;;) {
    char *lf = memchr(c->buf + c->start + scanned, '\n', c->end - c->start - scanned);
    if (lf)
      return (size_t)(lf - (c->buf + c->start)) + 1;
    scanned = c->end - c->start;
    if (c->start > 0) {
      memmove(c->buf, c->buf + c->start, scanned);
      c->start = 0;
      c->end = scanned;
    }
    if (c->end == c->cap) {
      c->cap *= 2;
      c->buf = realloc(c->buf, c->cap);
      if (!c->buf)
        die("out of memory");
    }
    c->end += (size_t)conn_read(c, c->buf + c->end, c->cap - c->end);
  }
}

/* The size announced by a literal marker ending the line ("... {123}\r\n", "{123+}"), or -1. */
static long long literal_size(const char *line, size_t len) {
  size_t i;
  long long n = 0, mul = 1;
  if (len < 4 || line[len - 1] != '\n' || line[len - 2] != '\r' || line[len - 3] != '}')
    return -1;
  i = len - 4;
  if (line[i] == '+') {
    if (i == 0)
      return -1;
    i--;
  }
  for (;; i--) {
    char ch = line[i];
    if (ch == '{')
      return mul == 1 ? -1 : n;
    if (ch < '0' || ch > '9' || i == 0)
      return -1;
    n += (ch - '0') * mul;
    mul *= 10;
  }
}

typedef struct keep_buf {
  char *p;
  size_t len, cap;
} keep_buf;

static void keep_add(keep_buf *k, const char *p, size_t n) {
  if (k->len + n > k->cap) {
    k->cap = (k->len + n) * 2;
    k->p = realloc(k->p, k->cap);
    if (!k->p)
      die("out of memory");
  }
  memcpy(k->p + k->len, p, n);
  k->len += n;
}

/* FLOOR_KEEP=1 (the "floor-keep" client, w1 only): every literal is copied into a buffer of
 * its own, kept to the end, as a client that holds a result must; the reference for what
 * holding 77 MB costs on this machine (allocation and first touch of the pages). */
static int keep_literals;
static char **kept;
static size_t kept_n, kept_cap;

static char *keep_new(size_t size) {
  if (kept_n == kept_cap) {
    kept_cap = kept_cap ? 2 * kept_cap : 1024;
    kept = realloc(kept, kept_cap * sizeof *kept);
    if (!kept) die("out of memory");
  }
  kept[kept_n] = malloc(size ? size : 1);
  if (!kept[kept_n]) die("out of memory");
  return kept[kept_n++];
}

/* Sends "<tag> <cmd>" and reads up to its tagged response, skipping literals. Returns the
 * literal bytes seen. `on_line` gets each line without literal bytes (keep == NULL) or each
 * whole response with them (keep != NULL: the unmeasured reference pass). */
static unsigned long long command(conn *c, const char *cmd, line_fn on_line, void *ctx,
                                  keep_buf *keep) {
  char tag[16], out[512];
  size_t taglen;
  int at_start = 1;
  unsigned long long lit_total = 0;
  taglen = (size_t)snprintf(tag, sizeof tag, "a%u ", ++c->tag);
  if ((size_t)snprintf(out, sizeof out, "%s%s\r\n", tag, cmd) >= sizeof out)
    die("command too long");
  conn_write(c, out, strlen(out));
  for (;;) {
    size_t len = next_line(c);
    const char *line = c->buf + c->start;
    long long lit;
    if (at_start && len >= taglen && memcmp(line, tag, taglen) == 0) {
      if (len < taglen + 2 || memcmp(line + taglen, "OK", 2) != 0) {
        fprintf(stderr, "floor: %s: %.*s\n", cmd, (int)len, line);
        exit(1);
      }
      c->start += len;
      return lit_total;
    }
    lit = literal_size(line, len);
    if (keep)
      keep_add(keep, line, len);
    else if (on_line)
      on_line(ctx, line, len);
    c->start += len;
    if (lit < 0) {
      at_start = 1;
      if (keep && on_line) {
        on_line(ctx, keep->p, keep->len);
        keep->len = 0;
      }
      continue;
    }
    /* skip the literal's bytes: what is buffered, then straight from the socket */
    lit_total += (unsigned long long)lit;
    at_start = 0;
    char *dest = keep_literals ? keep_new((size_t)lit) : NULL;
    while (lit > 0) {
      size_t have = c->end - c->start, take;
      if (have == 0) {
        c->start = c->end = 0;
        c->end = (size_t)conn_read(c, c->buf, c->cap);
        have = c->end;
      }
      take = (unsigned long long)lit < have ? (size_t)lit : have;
      if (keep)
        keep_add(keep, c->buf + c->start, take);
      if (dest) {
        memcpy(dest, c->buf + c->start, take);
        dest += take;
      }
      c->start += take;
      lit -= (long long)take;
    }
  }
}

static void greeting(conn *c) {
  size_t len = next_line(c);
  if (len < 4 || memcmp(c->buf + c->start, "* OK", 4) != 0)
    die("no OK greeting");
  c->start += len;
}

static void conn_init(conn *c, int fd, SSL *ssl) {
  c->fd = fd;
  c->ssl = ssl;
  c->cap = BUF_SIZE;
  c->buf = malloc(c->cap);
  if (!c->buf)
    die("out of memory");
  c->start = c->end = 0;
  c->tag = 0;
}

static void conn_close(conn *c) {
  if (c->ssl) {
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
  }
  close(c->fd);
  free(c->buf);
}

static void login(conn *c) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "LOGIN \"%s\" \"%s\"", env("IMAP_USER"), env("IMAP_PASS"));
  command(c, cmd, NULL, NULL, NULL);
}

/* ---- w3: flags in "* n FETCH (FLAGS (...))" lines ---- */
static void count_flags(void *ctx, const char *line, size_t len) {
  unsigned long long *n = ctx;
  const char *end = line + len, *p;
  if (len < 2 || line[0] != '*')
    return;
  for (p = line; p + 7 <= end; p++)
    if (memcmp(p, "FLAGS (", 7) == 0)
      break;
  if (p + 7 > end)
    return;
  p += 7;
  while (p < end && *p != ')') {
    while (p < end && *p == ' ')
      p++;
    if (p >= end || *p == ')')
      break;
    (*n)++;
    while (p < end && *p != ' ' && *p != ')')
      p++;
  }
}

/* ---- w2 reference: a structural scan of whole FETCH responses ---- */
typedef struct scan {
  const char *p, *end;
} scan;

static void sp(scan *s) {
  while (s->p < s->end && *s->p == ' ')
    s->p++;
}

/* Skips one value: (list), "quoted", {n}CRLF literal, or an atom / NIL / number. */
static void skip_value(scan *s) {
  sp(s);
  if (s->p >= s->end)
    return;
  if (*s->p == '(') {
    s->p++;
    for (;;) {
      sp(s);
      if (s->p >= s->end)
        return;
      if (*s->p == ')') {
        s->p++;
        return;
      }
      skip_value(s);
    }
  }
  if (*s->p == '"') {
    for (s->p++; s->p < s->end && *s->p != '"'; s->p++)
      if (*s->p == '\\')
        s->p++;
    s->p++;
    return;
  }
  if (*s->p == '{') {
    long long n = atoll(s->p + 1);
    const char *lf = memchr(s->p, '\n', (size_t)(s->end - s->p));
    s->p = lf ? lf + 1 + n : s->end;
    return;
  }
  while (s->p < s->end && *s->p != ' ' && *s->p != ')' && *s->p != '(' && *s->p != '\r')
    s->p++;
}

/* Counts the leading elements of the list at s->p that are themselves lists (from addresses,
 * a multipart's child parts); leaves s->p after the list (or after NIL). */
static unsigned long long count_sublists(scan *s) {
  unsigned long long n = 0;
  int leading = 1;
  sp(s);
  if (s->p >= s->end || *s->p != '(') {
    skip_value(s);
    return 0;
  }
  s->p++;
  for (;;) {
    sp(s);
    if (s->p >= s->end)
      return n;
    if (*s->p == ')') {
      s->p++;
      return n;
    }
    if (*s->p == '(' && leading)
      n++;
    else
      leading = 0;
    skip_value(s);
  }
}

static void count_structure(void *ctx, const char *resp, size_t len) {
  unsigned long long *n = ctx;
  scan s = {resp, resp + len};
  const char *open = memchr(resp, '(', len);
  if (len < 2 || resp[0] != '*' || !open)
    return;
  s.p = open + 1;
  for (;;) {
    const char *name;
    size_t nlen;
    sp(&s);
    if (s.p >= s.end || *s.p == ')' || *s.p == '\r')
      return;
    name = s.p;
    while (s.p < s.end && *s.p != ' ')
      s.p++;
    nlen = (size_t)(s.p - name);
    if (nlen == 8 && memcmp(name, "ENVELOPE", 8) == 0) {
      int i;
      sp(&s);
      s.p++; /* ( */
      skip_value(&s); /* date */
      skip_value(&s); /* subject */
      *n += count_sublists(&s); /* from */
      for (i = 0; i < 7; i++)
        skip_value(&s);
      sp(&s);
      s.p++; /* ) */
    } else if (nlen == 13 && memcmp(name, "BODYSTRUCTURE", 13) == 0) {
      sp(&s);
      if (s.p + 1 < s.end && s.p[0] == '(' && s.p[1] == '(')
        *n += count_sublists(&s); /* a multipart: its children come first */
      else
        skip_value(&s); /* a single part has no children */
    } else {
      skip_value(&s);
    }
  }
}

static unsigned long long structure_reference(conn *c) {
  keep_buf keep = {NULL, 0, 0};
  unsigned long long n = 0;
  command(c, "UID FETCH 1:* (ENVELOPE BODYSTRUCTURE)", count_structure, &n, &keep);
  free(keep.p);
  return n;
}

static void examine(conn *c, const char *mailbox) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "EXAMINE \"%s\"", mailbox);
  command(c, cmd, NULL, NULL, NULL);
}

/* ---- w5 ---- */
static SSL_CTX *tls_context(void) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    die("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (SSL_CTX_load_verify_locations(ctx, env("IMAP_CA"), NULL) != 1)
    die("cannot load IMAP_CA");
  return ctx;
}

static void tls_session(SSL_CTX *ctx, const char *host, const char *port) {
  conn c;
  int fd = tcp_connect(host, port);
  SSL *ssl = SSL_new(ctx);
  struct in6_addr a6;
  struct in_addr a4;
  X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
  if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1)
      die("bad IP address");
  } else {
    SSL_set_tlsext_host_name(ssl, host);
    if (X509_VERIFY_PARAM_set1_host(param, host, 0) != 1)
      die("bad host name");
  }
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1 || SSL_get_verify_result(ssl) != X509_V_OK) {
    ERR_print_errors_fp(stderr);
    die("TLS handshake or certificate verification failed");
  }
  conn_init(&c, fd, ssl);
  greeting(&c);
  login(&c);
  command(&c, "SELECT INBOX", NULL, NULL, NULL);
  command(&c, "LOGOUT", NULL, NULL, NULL);
  conn_close(&c);
}

/* "floor", or "floor-keep" with FLOOR_KEEP=1 */
static const char *client = "floor";
static int client_keeps;

int main(int argc, char **argv) {
  const char *w;
  const char *host, *port;
  bench_mark m;
  unsigned long long check = 0;
  conn c;
  if (argc != 2) {
    fprintf(stderr, "usage: floor <w1|w1s|w2|w2e|w3|w4|w5>\n");
    return 2;
  }
  w = argv[1];
  if (getenv("FLOOR_KEEP")) {
    client = "floor-keep";
    client_keeps = 1;
    if (strcmp(w, "w1") != 0) {
      printf("RESULT floor-keep %s skip reason=w1only\n", w);
      return 0;
    }
  }
  host = env("IMAP_HOST");
  if (strcmp(w, "w5") == 0) {
    SSL_CTX *ctx;
    int i;
    port = env("IMAP_TLS_PORT");
    env("IMAP_CA");
    bench_start(&m);
    ctx = tls_context();
    for (i = 0; i < 50; i++) {
      tls_session(ctx, host, port);
      check++;
    }
    SSL_CTX_free(ctx);
    bench_end(&m, client, w, check);
    return 0;
  }
  if (strcmp(w, "w1") && strcmp(w, "w1s") && strcmp(w, "w2") && strcmp(w, "w2e") &&
      strcmp(w, "w3") && strcmp(w, "w4")) {
    fprintf(stderr, "floor: unknown workload %s\n", w);
    return 2;
  }
  conn_init(&c, tcp_connect(host, env("IMAP_PORT")), NULL);
  greeting(&c);
  login(&c);
  examine(&c, env(strcmp(w, "w4") == 0 ? "BENCH_W4_MAILBOX" : "BENCH_W1_MAILBOX"));

  keep_literals = client_keeps;
  bench_start(&m);
  if (strcmp(w, "w1") == 0 || strcmp(w, "w1s") == 0 || strcmp(w, "w4") == 0) {
    /* w1 "into a result": the floor keeps nothing either way */
    check = command(&c, "UID FETCH 1:* BODY.PEEK[]", NULL, NULL, NULL);
  } else if (strcmp(w, "w2") == 0 || strcmp(w, "w2e") == 0) {
    command(&c, "UID FETCH 1:* (ENVELOPE BODYSTRUCTURE)", NULL, NULL, NULL);
  } else {
    int n;
    char cmd[64];
    for (n = 1; n <= 1000; n++) {
      snprintf(cmd, sizeof cmd, "FETCH %d (FLAGS)", n);
      command(&c, cmd, count_flags, &check, NULL);
    }
  }
  if (strcmp(w, "w2") == 0 || strcmp(w, "w2e") == 0) {
    /* the figures first, then the unmeasured reference pass */
    bench_mark copy = m;
    double cpu = bench_cpu(), wall = bench_wall();
    long long hwm = bench_status_bytes("VmHWM:");
    check = structure_reference(&c);
    printf("RESULT %s %s cpu=%.6f wall=%.6f mem=%lld check=%llu\n", client, w, cpu - copy.cpu,
           wall - copy.wall, hwm - copy.rss, check);
  } else {
    bench_end(&m, client, w, check);
  }
  command(&c, "LOGOUT", NULL, NULL, NULL);
  conn_close(&c);
  return 0;
}
