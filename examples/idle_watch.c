/*
 * Watches a mailbox with IDLE (RFC 2177) and prints new mail: each EXISTS as
 * "EXISTS <count>", other responses as "<type> <data>". Stops after UPDATES EXISTS responses
 * or after TIMEOUT seconds, whichever comes first, then ends IDLE and logs out.
 *
 * usage: idle_watch [--ssl | --starttls] [--ca CAFILE] HOST PORT USER PASSWORD MAILBOX UPDATES
 *        TIMEOUT
 *
 * It prints "idling on MAILBOX (N messages)" once the server has accepted IDLE: from then on
 * new mail is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "example_util.h"

#define USAGE                                                                            \
  "idle_watch [--ssl | --starttls] [--ca CAFILE] HOST PORT USER PASSWORD MAILBOX UPDATES " \
  "TIMEOUT"

/* Prints one response taken during IDLE; returns 1 if it was an EXISTS. */
static int report(const imap_result *r) {
  const char *type = imap_result_type(r);
  const imap_item *first = imap_result_item(r, 0);
  printf("%s", type);
  if (first && first->kind != IMAP_ITEM_KIND_NONE) {
    putchar(' ');
    example_write(stdout, first->data, first->len);
  }
  putchar('\n');
  fflush(stdout);
  return strcmp(type, "EXISTS") == 0;
}

int main(int argc, char **argv) {
  example_opts o;
  imap_client *c;
  imap_result *r = NULL;
  const imap_item *count;
  const char *mailbox;
  long updates, seen = 0;
  time_t deadline;

  example_parse(argc, argv, &o, 1, USAGE);
  if (argc - o.next != 3) {
    fprintf(stderr, "usage: %s\n", USAGE);
    return 2;
  }
  mailbox = argv[o.next];
  updates = atol(argv[o.next + 1]);
  deadline = time(NULL) + atol(argv[o.next + 2]);

  c = example_login(&o);
  if (!imap_client_has_capability(c, "IDLE")) {
    fprintf(stderr, "the server does not support IDLE\n");
    imap_client_free(c);
    return 1;
  }
  /* EXAMINE: watching needs no write access. Data: the EXISTS count. */
  example_check(c, imap_select(c, mailbox, 1, &r), "select (read-only)");
  count = imap_result_item(r, 0);
  example_check(c, imap_idle_start(c, NULL), "idle");
  printf("idling on %s (%.*s messages)\n", mailbox, (int)count->len, (const char *)count->data);
  fflush(stdout);
  imap_result_free(r);

  while (seen < updates && time(NULL) < deadline) {
    /* Wait in slices of at most a second, so the deadline is kept. A NULL result means the
     * slice passed without a response; the connection stays usable. */
    example_check(c, imap_idle_wait(c, 1000, &r), "idle wait");
    if (r) {
      seen += report(r);
      imap_result_free(r);
    }
  }
  if (seen < updates)
    printf("timed out after %ld of %ld updates\n", seen, updates);

  example_check(c, imap_idle_done(c, NULL), "idle done");
  example_check(c, imap_logout(c, NULL), "logout");
  imap_client_free(c);
  return 0;
}
