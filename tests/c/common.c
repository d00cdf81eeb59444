#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- assertions ------------------------------------------------------------------------- */

static int checks, failures;

void check_at(int ok, const char *file, int line, const char *expr) {
  checks++;
  if (!ok) {
    failures++;
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
}

int check_code_at(imap_client *c, int got, int want, const char *file, int line,
                  const char *expr) {
  check_at(got == want, file, line, expr);
  if (got != want)
    fprintf(stderr, "    got %s, want %s; last error: %s\n", imap_code_name(got),
            imap_code_name(want), imap_last_error(c));
  return got == want;
}

int test_finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, checks, failures);
  return failures == 0 && checks > 0 ? 0 : 1;
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "fatal: %s%s\n", what, detail ? detail : "");
  exit(2);
}

/* ---- the test server -------------------------------------------------------------------- */

#define MAX_SETTINGS 32
static char setting_key[MAX_SETTINGS][64], setting_value[MAX_SETTINGS][512];
static int nsettings = -1;

/* Reads the fixture's KEY=VALUE lines (values may be in single quotes). */
static void load_env_file(void) {
  const char *path = getenv("IMAP_TEST_ENV");
  char line[1024];
  FILE *f;
  nsettings = 0;
  if (!path || !(f = fopen(path, "r")))
    return;
  while (nsettings < MAX_SETTINGS && fgets(line, sizeof line, f)) {
    char *eq = strchr(line, '='), *v;
    size_t n;
    if (!eq || (size_t)(eq - line) >= sizeof setting_key[0])
      continue;
    *eq = '\0';
    v = eq + 1;
    v[strcspn(v, "\r\n")] = '\0';
    n = strlen(v);
    if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
      v[n - 1] = '\0';
      v++;
    }
    snprintf(setting_key[nsettings], sizeof setting_key[0], "%.63s", line);
    snprintf(setting_value[nsettings], sizeof setting_value[0], "%.511s", v);
    nsettings++;
  }
  fclose(f);
}

const char *test_env(const char *key) {
  const char *v = getenv(key);
  int i;
  if (v && *v)
    return v;
  if (nsettings < 0)
    load_env_file();
  for (i = 0; i < nsettings; i++)
    if (strcmp(setting_key[i], key) == 0)
      return setting_value[i];
  die("setting missing (set it or IMAP_TEST_ENV): ", key);
  return NULL;
}

uint16_t test_port(const char *key) {
  return (uint16_t)atoi(test_env(key));
}

imap_client *test_client(void) {
  imap_client *c = NULL;
  if (imap_client_new(&c) != IMAP_CODE_OK || !c)
    die("imap_client_new failed", NULL);
  /* generous: the tests also run under valgrind */
  CHECK_CODE(c, imap_set_timeouts(c, 20000, 30000), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_ca_file(c, test_env("DOVECOT_CA")), IMAP_CODE_OK);
  return c;
}

imap_client *test_connect(int32_t tls_mode) {
  imap_client *c = test_client();
  const char *port = tls_mode == IMAP_TLS_MODE_IMPLICIT ? "DOVECOT_IMAPS_PORT" : "DOVECOT_IMAP_PORT";
  if (!CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port(port), tls_mode),
                  IMAP_CODE_OK))
    die("cannot connect to the test Dovecot: ", imap_last_error(c));
  return c;
}

imap_client *test_login(int user_number) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  char user[16], pass[16];
  snprintf(user, sizeof user, "user%d", user_number);
  snprintf(pass, sizeof pass, "pass%d", user_number);
  if (!CHECK_CODE(c, imap_login(c, user, pass, NULL), IMAP_CODE_OK))
    die("cannot log in: ", imap_last_error(c));
  return c;
}

void test_logout(imap_client *c) {
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  imap_client_free(c);
}

void test_mailbox_name(char *buf, size_t size, const char *tag) {
  static int counter;
  snprintf(buf, size, "ctest-%s-%ld-%d", tag, (long)getpid(), counter++);
}

/* ---- results ---------------------------------------------------------------------------- */

static const char *copy_text(const uint8_t *p, size_t n) {
  static char buf[8192];
  if (n >= sizeof buf)
    n = sizeof buf - 1;
  if (n)
    memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

const char *item_text(const imap_result *r, size_t i) {
  const imap_item *it = imap_result_item(r, i);
  return it ? copy_text(it->data, it->len) : "";
}

const char *item_literal(const imap_result *r, size_t i) {
  const imap_item *it = imap_result_item(r, i);
  return it ? copy_text(it->literal, it->literal_len) : "";
}

static int bytes_contain(const uint8_t *p, size_t n, const char *needle) {
  size_t k = strlen(needle), i;
  for (i = 0; p && i + k <= n; i++)
    if (memcmp(p + i, needle, k) == 0)
      return 1;
  return 0;
}

int result_contains(const imap_result *r, const char *needle) {
  size_t i;
  for (i = 0; i < imap_result_count(r); i++) {
    const imap_item *it = imap_result_item(r, i);
    if (bytes_contain(it->data, it->len, needle) ||
        bytes_contain(it->literal, it->literal_len, needle))
      return 1;
  }
  return 0;
}

int item_is(const imap_result *r, size_t i, int32_t kind, const char *text) {
  const imap_item *it = imap_result_item(r, i);
  return it && it->kind == kind && it->len == strlen(text) &&
         (it->len == 0 || memcmp(it->data, text, it->len) == 0);
}

int result_code_is(const imap_result *r, const char *code) {
  const char *got = imap_result_code(r);
  return code ? got && strcmp(got, code) == 0 : got == NULL;
}

const char *result_code_data(const imap_result *r) {
  size_t n = 0;
  const uint8_t *p = imap_result_code_data(r, &n);
  return copy_text(p, n);
}

void result_done(imap_result **r) {
  imap_result_free(*r);
  *r = NULL;
}

imap_result *idle_update(imap_client *c, const char *type, int ms) {
  double end = now_ms() + ms;
  for (;;) {
    imap_result *r = NULL;
    double left = end - now_ms();
    if (left <= 0 || imap_idle_wait(c, (uint32_t)left, &r) != IMAP_CODE_OK || r == NULL)
      return NULL;
    if (strcmp(imap_result_type(r), type) == 0)
      return r;
    if (strcmp(imap_result_type(r), "OK") != 0 && strcmp(imap_result_type(r), "NO") != 0) {
      fprintf(stderr, "unexpected IDLE update %s before %s\n", imap_result_type(r), type);
      imap_result_free(r);
      return NULL;
    }
    imap_result_free(r);
  }
}

/* ---- the fake server -------------------------------------------------------------------- */

/* MSG_NOSIGNAL: a client that hung up early (a refused literal) is no SIGPIPE for the test. */
static void send_all(int fd, const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    s += w;
    n -= (size_t)w;
  }
}

/* Reads one line (without CRLF) into buf; returns 0 at EOF. */
static int read_line(int fd, char *buf, size_t size) {
  size_t n = 0;
  char ch;
  while (read(fd, &ch, 1) == 1) {
    if (ch == '\n') {
      buf[n && buf[n - 1] == '\r' ? n - 1 : n] = '\0';
      return 1;
    }
    if (n + 1 < size)
      buf[n++] = ch;
  }
  return 0;
}

static void *fake_server_main(void *arg) {
  fake_server *s = arg;
  char line[1024], answer[1100];
  int fd = accept(s->listen_fd, NULL, NULL);
  if (fd < 0)
    return NULL;
  send_all(fd, s->greeting ? s->greeting : "* OK [CAPABILITY IMAP4rev1] fake server ready\r\n");
  while (read_line(fd, line, sizeof line)) {
    char *sp = strchr(line, ' ');
    if (sp && strncmp(sp + 1, "CAPABILITY", 10) == 0) {
      *sp = '\0';
      snprintf(answer, sizeof answer, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", line);
      send_all(fd, answer);
    } else if (s->reply) {
      /* "$TAG" in the reply stands for the command's tag (a tagged answer) */
      const char *at = s->reply, *mark;
      if (sp)
        *sp = '\0';
      while ((mark = strstr(at, "$TAG")) != NULL) {
        size_t n = (size_t)(mark - at);
        char *part = malloc(n + 1);
        memcpy(part, at, n);
        part[n] = '\0';
        send_all(fd, part);
        free(part);
        send_all(fd, line);
        at = mark + 4;
      }
      send_all(fd, at);
      break;
    }
  }
  close(fd);
  return NULL;
}

void fake_server_start(fake_server *s, const char *reply) {
  fake_server_start_greeting(s, NULL, reply);
}

void fake_server_start_greeting(fake_server *s, const char *greeting, const char *reply) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->reply = reply;
  s->greeting = greeting;
  s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(s->listen_fd, 1) != 0 ||
      getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0)
    die("fake server: cannot listen", NULL);
  s->port = ntohs(a.sin_port);
  if (pthread_create(&s->thread, NULL, fake_server_main, s) != 0)
    die("fake server: cannot start thread", NULL);
}

void fake_server_join(fake_server *s) {
  pthread_join(s->thread, NULL);
  close(s->listen_fd);
}

imap_client *fake_server_client(fake_server *s) {
  imap_client *c = test_client();
  if (!CHECK_CODE(c, imap_open(c, "127.0.0.1", s->port, IMAP_TLS_MODE_NONE), IMAP_CODE_OK))
    die("cannot connect to the fake server: ", imap_last_error(c));
  return c;
}

double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void sleep_ms(long ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}
