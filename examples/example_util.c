/* Helpers shared by libimap's examples; see example_util.h. */
#define _POSIX_C_SOURCE 200809L /* isatty */
#include "example_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *arg_or_env(int argc, char **argv, int i, const char *name,
                              const char *usage) {
  const char *v = i < argc ? argv[i] : getenv(name);
  if (!v) {
    fprintf(stderr, "missing %s (argument or environment)\nusage: %s\n", name, usage);
    exit(2);
  }
  return v;
}

void example_parse(int argc, char **argv, example_opts *o, int with_login, const char *usage) {
  int i = 1;
  memset(o, 0, sizeof *o);
  o->tls = IMAP_TLS_MODE_NONE;
  o->progress = isatty(STDERR_FILENO);
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--help") == 0) {
      printf("usage: %s\n"
             "options:\n"
             "  --ssl          TLS from the first byte (port 993)\n"
             "  --starttls     STARTTLS before anything else; fails closed\n"
             "  --ca CAFILE    trust the CA certificates in CAFILE (a PEM bundle) as well\n"
             "  --debug LEVEL  libimap's log on stderr, 0..5 (passwords are redacted)\n"
             "  --progress     progress bars on stderr for messages sent or received (of 64 KiB\n"
             "                 or more); the default when stderr is a terminal\n"
             "HOST, PORT%s may also come from IMAP_HOST, IMAP_PORT%s.\n"
             "libimap %s\n",
             usage, with_login ? ", USER, PASSWORD" : "",
             with_login ? ", IMAP_USER, IMAP_PASSWORD" : "", imap_version());
      exit(0);
    }
    if (strcmp(argv[i], "--ssl") == 0) /* imaplib.IMAP4_SSL */
      o->tls = IMAP_TLS_MODE_IMPLICIT;
    else if (strcmp(argv[i], "--starttls") == 0)
      o->tls = IMAP_TLS_MODE_STARTTLS;
    else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
      o->cafile = argv[++i];
    else if (strcmp(argv[i], "--debug") == 0 && i + 1 < argc)
      o->debug = atoi(argv[++i]);
    else if (strcmp(argv[i], "--progress") == 0)
      o->progress = 1;
    else {
      fprintf(stderr, "unknown option %s\nusage: %s\n", argv[i], usage);
      exit(2);
    }
  }
  o->host = arg_or_env(argc, argv, i, "IMAP_HOST", usage);
  o->port = (uint16_t)atoi(arg_or_env(argc, argv, i + 1, "IMAP_PORT", usage));
  o->next = i + 2;
  if (with_login) {
    o->user = arg_or_env(argc, argv, i + 2, "IMAP_USER", usage);
    o->password = arg_or_env(argc, argv, i + 3, "IMAP_PASSWORD", usage);
    o->next = i + 4;
  }
}

void example_check(imap_client *c, imap_code code, const char *what) {
  if (code != IMAP_CODE_OK) {
    fprintf(stderr, "%s failed: %s: %s\n", what, imap_code_name(code), imap_last_error(c));
    imap_client_free(c);
    exit(1);
  }
}

imap_client *example_connect(const example_opts *o) {
  imap_client *c = NULL;
  example_check(c, imap_client_new(&c), "imap_client_new");
  example_check(c, imap_set_ca_file(c, o->cafile), "imap_set_ca_file");
  example_check(c, imap_set_debug(c, o->debug), "imap_set_debug");
  example_check(c, imap_set_log_callback(c, o->trace, NULL), "imap_set_log_callback");
  if (o->progress)
    example_check(c, imap_set_progress_callback(c, example_progress, NULL),
                  "imap_set_progress_callback");
  example_check(c, imap_open(c, o->host, o->port, o->tls), "connect");
  return c;
}

imap_client *example_login(const example_opts *o) {
  imap_client *c = example_connect(o);
  example_check(c, imap_login(c, o->user, o->password, NULL), "login");
  return c;
}

void example_write(FILE *f, const uint8_t *p, size_t n) {
  if (n > 0)
    fwrite(p, 1, n, f);
}

void example_print_result(FILE *f, const imap_result *r) {
  size_t i, len = 0;
  const uint8_t *text;
  for (i = 0; i < imap_result_count(r); i++) {
    const imap_item *it = imap_result_item(r, i);
    if (it->kind == IMAP_ITEM_KIND_NONE)
      continue;
    example_write(f, it->data, it->len);
    fputc('\n', f);
    if (it->kind == IMAP_ITEM_KIND_LITERAL) {
      example_write(f, it->literal, it->literal_len);
      fputc('\n', f);
    }
  }
  if (imap_result_status(r)) {
    text = imap_result_text(r, &len);
    fprintf(f, "%s ", imap_result_status(r));
    example_write(f, text, len);
    fputc('\n', f);
  }
}

/* "12.3 MiB" */
static void human_size(char *buf, size_t n, uint64_t bytes) {
  if (bytes >= 1024u * 1024u)
    snprintf(buf, n, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
  else
    snprintf(buf, n, "%.1f KiB", (double)bytes / 1024.0);
}

/* The bar being drawn (the examples use one handle, on one thread). */
static struct {
  int way, percent; /* percent: the last drawn, -1 when no bar is open */
  uint64_t total;
} bar = {0, -1, 0};

void example_progress(void *user_data, imap_transfer way, uint64_t done, uint64_t total) {
  char fill[31], done_s[32], total_s[32];
  int percent, width = (int)sizeof fill - 1, n;
  (void)user_data;
  if (total < EXAMPLE_PROGRESS_MIN)
    return;
  if (bar.percent >= 0 && (bar.way != (int)way || bar.total != total)) {
    fputc('\n', stderr); /* another transfer began before this one reached 100% */
    bar.percent = -1;
  }
  percent = (int)(done * 100 / total);
  if (percent == bar.percent && done != total)
    return;
  n = (int)(done * (uint64_t)width / total);
  memset(fill, '#', (size_t)n);
  memset(fill + n, ' ', (size_t)(width - n));
  fill[width] = '\0';
  human_size(done_s, sizeof done_s, done);
  human_size(total_s, sizeof total_s, total);
  fprintf(stderr, "\r%-8s [%s] %3d%%  %s / %s", way == IMAP_TRANSFER_UPLOAD ? "upload" : "download",
          fill, percent, done_s, total_s);
  bar.way = (int)way;
  bar.total = total;
  bar.percent = percent;
  if (done == total) {
    fputc('\n', stderr);
    bar.percent = -1;
  }
  fflush(stderr);
}
