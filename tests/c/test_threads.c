/* imap_last_error is per thread: the text of thread A's failed call stays intact, at the same
 * address, while thread B makes many calls (failing and succeeding) on the same handle. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shared {
  imap_client *client;
  int b_started, b_done; /* written by B, read by A: __atomic builtins */
  int b_bad; /* thread B saw something other than its own message */
};

static void *thread_b(void *arg) {
  struct shared *sh = arg;
  int i;
  __atomic_store_n(&sh->b_started, 1, __ATOMIC_SEQ_CST);
  for (i = 0; i < 200; i++) {
    char name[64];
    snprintf(name, sizeof name, "no-such-mailbox-b-%d", i);
    if (imap_select(sh->client, name, 1, NULL) != IMAP_CODE_NO ||
        !strstr(imap_last_error(sh->client), "NO"))
      sh->b_bad++;
    if (imap_noop(sh->client, NULL) != IMAP_CODE_OK)
      sh->b_bad++;
    if (imap_create(sh->client, "bad\nname", NULL) != IMAP_CODE_INVALID_ARGUMENT ||
        !strstr(imap_last_error(sh->client), "CR"))
      sh->b_bad++;
  }
  __atomic_store_n(&sh->b_done, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

static void test_last_error_per_thread(void) {
  struct shared sh = {NULL, 0, 0, 0};
  pthread_t b;
  const char *mine;
  char copy[512];
  int reads = 0, changed = 0;

  sh.client = test_login(1);
  CHECK(strcmp(imap_last_error(sh.client), "") == 0); /* nothing failed on this thread */
  CHECK_CODE(sh.client, imap_select(sh.client, "no-such-mailbox-a", 1, NULL), IMAP_CODE_NO);
  mine = imap_last_error(sh.client);
  CHECK(strlen(mine) > 0 && strlen(mine) < sizeof copy);
  snprintf(copy, sizeof copy, "%s", mine);

  CHECK(pthread_create(&b, NULL, thread_b, &sh) == 0);
  while (!__atomic_load_n(&sh.b_done, __ATOMIC_SEQ_CST)) {
    if (imap_last_error(sh.client) != mine || strcmp(mine, copy) != 0)
      changed++;
    reads++;
  }
  pthread_join(b, NULL);
  CHECK(sh.b_started && sh.b_bad == 0);
  CHECK(reads > 0 && changed == 0);
  CHECK(imap_last_error(sh.client) == mine && strcmp(mine, copy) == 0);

  /* This thread's next failure replaces its own message. */
  CHECK_CODE(sh.client, imap_create(sh.client, "a\rb", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(sh.client), "CR") != NULL);
  test_logout(sh.client);
}

int main(void) {
  test_last_error_per_thread();
  return test_finish("test_threads");
}
