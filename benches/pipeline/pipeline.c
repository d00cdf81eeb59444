/* The pipelining benchmark's C program (run by benches/pipeline/run.sh through a delaying
 * proxy): logs in, selects INBOX, then does BENCH_N single-message `FETCH n (UID FLAGS)`
 * (n cycling over the mailbox) one at a time with imap_fetch, then the same BENCH_N
 * pipelined (imap_submit_fetch for all, then imap_collect for each), then the same messages
 * through one imap_fetch_each. Prints "RESULT c <sequential|pipelined|fetch_each> <seconds>".
 *
 * Environment: IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASS, BENCH_N (default 1000). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imap.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static const char *env(const char *k, const char *dflt) {
  const char *v = getenv(k);
  return v && *v ? v : dflt;
}

static int fail(imap_client *c, const char *what) {
  fprintf(stderr, "pipeline.c: %s failed: %s\n", what, c ? imap_last_error(c) : "");
  return 1;
}

static int32_t count_message(void *ctx, const struct imap_fetch_message *m) {
  (void)m;
  ++*(long *)ctx;
  return 0;
}

int main(void) {
  imap_client *c = NULL;
  imap_result *r = NULL;
  long n = atol(env("BENCH_N", "1000")), i, exists = 0, seen = 0;
  imap_ticket *tickets;
  char set[32];
  double t0;
  if (n <= 0)
    return 2;
  tickets = calloc((size_t)n, sizeof *tickets);
  if (!tickets)
    return 1;
  if (imap_client_new(&c) != IMAP_CODE_OK)
    return fail(NULL, "imap_client_new");
  if (imap_open(c, env("IMAP_HOST", "127.0.0.1"), (uint16_t)atoi(env("IMAP_PORT", "143")),
                IMAP_TLS_MODE_NONE) != IMAP_CODE_OK)
    return fail(c, "imap_open");
  if (imap_login(c, env("IMAP_USER", "user1"), env("IMAP_PASS", "pass1"), NULL) != IMAP_CODE_OK)
    return fail(c, "imap_login");
  if (imap_select(c, "INBOX", 1, &r) != IMAP_CODE_OK)
    return fail(c, "imap_select");
  exists = atol((const char *)imap_result_item(r, 0)->data);
  imap_result_free(r);
  if (exists <= 0)
    return fail(c, "an empty INBOX");

  t0 = now();
  for (i = 0; i < n; i++) {
    snprintf(set, sizeof set, "%ld", i % exists + 1);
    if (imap_fetch(c, set, "(UID FLAGS)", &r) != IMAP_CODE_OK)
      return fail(c, "imap_fetch");
    imap_result_free(r);
  }
  printf("RESULT c sequential %.3f\n", now() - t0);
  fflush(stdout);

  t0 = now();
  for (i = 0; i < n; i++) {
    snprintf(set, sizeof set, "%ld", i % exists + 1);
    if (imap_submit_fetch(c, set, "(UID FLAGS)", &tickets[i]) != IMAP_CODE_OK)
      return fail(c, "imap_submit_fetch");
  }
  for (i = 0; i < n; i++) {
    if (imap_collect(c, tickets[i], &r) != IMAP_CODE_OK || imap_result_count(r) != 1)
      return fail(c, "imap_collect");
    imap_result_free(r);
  }
  printf("RESULT c pipelined %.3f\n", now() - t0);
  fflush(stdout);

  /* The same number of messages, one command, streamed message by message. */
  t0 = now();
  snprintf(set, sizeof set, "1:%ld", n < exists ? n : exists);
  if (imap_fetch_each(c, set, "(UID FLAGS)", count_message, &seen) != IMAP_CODE_OK)
    return fail(c, "imap_fetch_each");
  printf("RESULT c fetch_each %.3f\n", now() - t0);

  imap_logout(c, NULL);
  imap_client_free(c);
  free(tickets);
  return 0;
}
