/* imap_last_error is per thread: the text of thread A's failed call stays intact, at the same
 * address, while thread B makes many calls (failing and succeeding) on the same handle. */
#include "common.h"

#include <sched.h>

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
    /* Let B run: under valgrind, which runs one thread at a time, a reader spinning on the
     * handle's error lock could starve B until the test's time limit. */
    sched_yield();
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

/* The _ex forms hand the message back with the call, whichever thread reads it afterwards. */
struct ex_call {
  imap_client *client;
  imap_ticket ticket;
  int32_t code;
  char *error;
};

static void *collect_on_other_thread(void *arg) {
  struct ex_call *x = arg;
  imap_result *r = NULL;
  x->code = imap_collect_ex(x->client, x->ticket, &r, &x->error);
  imap_result_free(r);
  return NULL;
}

static void test_ex_forms(void) {
  imap_client *c = test_client();
  char *error = (char *)"not touched";
  const char *mailbox[] = {"no-such-mailbox-ex"};
  const int32_t string_kind[] = {IMAP_ARG_KIND_STRING};
  struct ex_call x;
  pthread_t t;
  imap_ticket ticket = 0;
  imap_result *r = NULL;
  struct imap_fetch_list *list = NULL;

  /* A local failure: the message, the same as this thread's imap_last_error. */
  CHECK_CODE(c, imap_open_ex(c, "127.0.0.1", 1, IMAP_TLS_MODE_NONE, &error), IMAP_CODE_CONNECT);
  CHECK(error != NULL && strstr(error, "127.0.0.1:1") != NULL);
  CHECK(error && strcmp(error, imap_last_error(c)) == 0);
  imap_string_free(error);
  error = (char *)"not touched";
  CHECK_CODE(c, imap_open_ex(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                             IMAP_TLS_MODE_NONE, &error),
             IMAP_CODE_OK);
  CHECK(error == NULL);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);

  /* Refused before anything is sent. */
  CHECK_CODE(c, imap_submit_ex(c, "NO-SUCH-COMMAND", NULL, NULL, 0, &ticket, &error),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK(error != NULL && strlen(error) > 0);
  imap_string_free(error);

  /* A NO collected on another thread: its text reaches this one intact, while this thread's
   * own calls fail and succeed meanwhile. */
  CHECK_CODE(c, imap_submit_ex(c, "SELECT", mailbox, string_kind, 1, &ticket, &error),
             IMAP_CODE_OK);
  CHECK(error == NULL);
  x.client = c;
  x.ticket = ticket;
  x.code = -1;
  x.error = NULL;
  CHECK(pthread_create(&t, NULL, collect_on_other_thread, &x) == 0);
  pthread_join(t, NULL);
  CHECK_CODE(c, imap_create(c, "bad\nname", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, x.code, IMAP_CODE_NO);
  CHECK(x.error != NULL && strncmp(x.error, "NO: ", 4) == 0);
  imap_string_free(x.error);

  /* Unknown ticket; a failure that sets no message of its own is described by its code. */
  CHECK_CODE(c, imap_collect_ex(c, 999999, &r, &error), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(r == NULL && error != NULL && strlen(error) > 0);
  imap_string_free(error);
  CHECK_CODE(c, imap_fetch_next_ex(c, 999999, 10, NULL, &error), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(error != NULL && strlen(error) > 0);
  imap_string_free(error);
  CHECK_CODE(c, imap_fetch_next_ex(c, 999999, 10, &list, &error), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(list == NULL && error != NULL);
  imap_string_free(error);
  CHECK_CODE(c, imap_idle_wait_ex(c, 10, &r, &error), IMAP_CODE_ILLEGAL_STATE);
  CHECK(error != NULL && strstr(error, "IDLE") != NULL);
  imap_string_free(error);
  /* error NULL: the plain call. */
  CHECK_CODE(c, imap_idle_wait_ex(c, 10, &r, NULL), IMAP_CODE_ILLEGAL_STATE);
  test_logout(c);

  c = test_client();
  CHECK_CODE(c, imap_open_stream_ex(c, NULL, &error), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(error, "NULL") != NULL);
  imap_string_free(error);
  imap_client_free(c);
}

int main(void) {
  test_last_error_per_thread();
  test_ex_forms();
  return test_finish("test_threads");
}
