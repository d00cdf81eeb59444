/*
 * Helpers shared by libimap's examples: the common command line, fail-fast checks and result
 * printing. Copy this file and example_util.c along with an example.
 *
 * Every example takes the same connection arguments first:
 *
 *     [--ssl | --starttls] [--ca CAFILE] [--debug LEVEL] [--progress] HOST PORT [USER PASSWORD] ...
 *
 * A missing HOST, PORT, USER or PASSWORD comes from IMAP_HOST, IMAP_PORT, IMAP_USER and
 * IMAP_PASSWORD (only when no argument follows it). USER and PASSWORD are left out by
 * examples that log in otherwise.
 */
#ifndef IMAP_EXAMPLE_UTIL_H
#define IMAP_EXAMPLE_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include "imap.h"

typedef struct example_opts {
  int32_t tls;          /* IMAP_TLS_MODE_*: --ssl, --starttls (default: none) */
  const char *cafile;   /* --ca: extra trusted CA certificates (PEM), or NULL */
  int32_t debug;        /* --debug: imap_set_debug level (default 0) */
  int progress;         /* progress bars on stderr: --progress, or stderr is a terminal */
  imap_log_fn trace;  /* set by the example: the log callback (NULL: stderr) */
  const char *host, *user, *password; /* user and password: NULL unless asked for */
  uint16_t port;
  int next;             /* index in argv of the first argument after the connection's */
} example_opts;

/* Parses the options and HOST PORT, then USER PASSWORD if `with_login`; exits with status 2
 * and `usage` on error. */
void example_parse(int argc, char **argv, example_opts *o, int with_login, const char *usage);

/* If `code` is not IMAP_CODE_OK: prints `what`, the code's name and imap_last_error, frees the
 * client and exits with status 1. */
void example_check(imap_client *c, imap_code code, const char *what);

/* A new client set up from `o` (CA file, debug level, trace, progress bars) and connected to
 * HOST:PORT. */
imap_client *example_connect(const example_opts *o);

/* example_connect, then LOGIN as USER with PASSWORD. */
imap_client *example_login(const example_opts *o);

/* Writes bytes as they are (they may contain NUL). */
void example_write(FILE *f, const uint8_t *p, size_t n);

/* Prints a result: each item on its own line (a literal after its header line), then the
 * tagged status and text when there is one. */
void example_print_result(FILE *f, const imap_result *r);

/* The progress callback (imap_progress_fn) that example_connect installs when o->progress is
 * set: one bar on stderr per transfer of at least EXAMPLE_PROGRESS_MIN bytes (a message being
 * uploaded or downloaded), redrawn in place on each whole percent, ended by a newline at 100%:
 *
 *     upload   [###############               ]  50%  512.0 KiB / 1.0 MiB
 */
#define EXAMPLE_PROGRESS_MIN (64 * 1024)
void example_progress(void *user_data, imap_transfer way, uint64_t done, uint64_t total);

#endif /* IMAP_EXAMPLE_UTIL_H */
