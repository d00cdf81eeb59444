/* Times bulk FETCHes through libimap: login, EXAMINE the mailbox, then ROUNDS times a FETCH of
 * every message with ITEMS, best of the rounds; optionally parses the result too. Prints
 * "<best seconds> <bytes of literals>". Used by run.sh, which times imaplib the same way. */
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

int main(int argc, char **argv) {
  imap_client *c = NULL;
  imap_result *r = NULL;
  double best = 1e9;
  unsigned long long bytes = 0;
  int i, rounds, parse;
  if (argc != 8) {
    fprintf(stderr, "usage: %s HOST PORT USER PASS MAILBOX ITEMS ROUNDS[:parse]\n", argv[0]);
    return 2;
  }
  rounds = atoi(argv[7]);
  parse = strstr(argv[7], ":parse") != NULL;
  if (imap_client_new(&c) || imap_open(c, argv[1], (uint16_t)atoi(argv[2]), IMAP_TLS_MODE_NONE) ||
      imap_login(c, argv[3], argv[4], NULL) || imap_select(c, argv[5], 1, NULL)) {
    fprintf(stderr, "setup failed: %s\n", c ? imap_last_error(c) : "");
    return 1;
  }
  for (i = 0; i < rounds; i++) {
    double t0 = now(), t;
    size_t k, n;
    if (imap_fetch(c, "1:*", argv[6], &r) != IMAP_CODE_OK) {
      fprintf(stderr, "fetch failed: %s\n", imap_last_error(c));
      return 1;
    }
    if (parse) {
      imap_fetch_list *list = NULL;
      if (imap_parse_fetch(r, &list) != IMAP_CODE_OK) {
        fprintf(stderr, "parse failed\n");
        return 1;
      }
      imap_fetch_list_free(list);
    }
    t = now() - t0;
    bytes = 0;
    for (k = 0, n = imap_result_count(r); k < n; k++)
      bytes += imap_result_item(r, k)->literal_len;
    imap_result_free(r);
    if (t < best)
      best = t;
  }
  printf("%.6f %llu\n", best, bytes);
  imap_logout(c, NULL);
  imap_client_free(c);
  return 0;
}
