/* Pipelining through the C API against the test Dovecot: FETCHes in flight with unsolicited
 * data (another connection's flag change and APPEND) interleaved, imap_fetch_each (and its
 * stop), imap_fetch_stream / imap_fetch_next, and several threads on one handle.
 *
 *   test_pipeline          the cases above
 *   test_pipeline big      imap_fetch_each over the 100,000-message mailbox "Big"
 *                          (tests/server/big-mailbox.sh must have run) */
#include "common.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

static void append(imap_client *c, const char *mbox, const char *subject) {
  char msg[256];
  imap_result *r = NULL;
  snprintf(msg, sizeof msg, "Subject: %s\r\nFrom: a@example.com\r\n\r\nbody\r\n", subject);
  CHECK_CODE(c, imap_append(c, mbox, NULL, NULL, (const uint8_t *)msg, strlen(msg), &r),
             IMAP_CODE_OK);
  result_done(&r);
}

static void test_interleaved(void) {
  imap_client *a = test_login(1), *b = test_login(1);
  imap_result *r = NULL;
  imap_ticket t[3];
  char mbox[64], want[64];
  int i;
  test_mailbox_name(mbox, sizeof mbox, "pipe");
  CHECK_CODE(a, imap_create(a, mbox, &r), IMAP_CODE_OK);
  result_done(&r);
  for (i = 0; i < 3; i++)
    append(a, mbox, "pipelined");
  CHECK_CODE(a, imap_select(a, mbox, 0, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(b, imap_select(b, mbox, 0, &r), IMAP_CODE_OK);
  result_done(&r);
  /* Another connection changes message 3 and adds a fourth: Dovecot tells `a` during its
   * next commands, in between the pipelined FETCHes' data. */
  CHECK_CODE(b, imap_store(b, "3", "+FLAGS", "(\\Flagged)", &r), IMAP_CODE_OK);
  result_done(&r);
  append(b, mbox, "fourth");
  CHECK_CODE(a, imap_submit_fetch(a, "1", "(FLAGS)", &t[0]), IMAP_CODE_OK);
  CHECK_CODE(a, imap_submit_fetch(a, "2", "(FLAGS)", &t[1]), IMAP_CODE_OK);
  {
    /* FETCH 2 (UID) through the generic submission: typed values, a list as begin/end. */
    const char *const values[] = {"2", NULL, "UID", NULL};
    const int32_t kinds[] = {IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_LIST_BEGIN, IMAP_ARG_KIND_ATOM,
                             IMAP_ARG_KIND_LIST_END};
    CHECK_CODE(a, imap_submit(a, "FETCH", values, kinds, 4, &t[2]), IMAP_CODE_OK);
  }
  CHECK(imap_pending_count(a) == 3);
  /* Collected out of order; each gets its own message only. */
  for (i = 2; i >= 0; i--) {
    CHECK_CODE(a, imap_collect(a, t[i], &r), IMAP_CODE_OK);
    CHECK(imap_result_count(r) == 1);
    snprintf(want, sizeof want, "%d (", i == 2 ? 2 : i + 1);
    CHECK(strncmp(item_text(r, 0), want, strlen(want)) == 0);
    if (i == 2)
      CHECK(strstr(item_text(r, 0), "UID") != NULL);
    result_done(&r);
  }
  CHECK(imap_pending_count(a) == 0);
  CHECK_CODE(a, imap_collect(a, t[0], &r), IMAP_CODE_INVALID_ARGUMENT);
  /* The unsolicited data went to the mailbox state and the untagged responses. */
  CHECK_CODE(a, imap_response(a, "FETCH", &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "\\Flagged"));
  result_done(&r);
  {
    imap_mailbox_info *info = NULL;
    CHECK_CODE(a, imap_client_mailbox(a, &info), IMAP_CODE_OK);
    CHECK(info != NULL && info->exists == 4);
    imap_mailbox_info_free(info);
  }
  CHECK_CODE(a, imap_close(a, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(a, imap_delete(a, mbox, &r), IMAP_CODE_OK);
  result_done(&r);
  test_logout(a);
  test_logout(b);
}

struct each_ctx {
  uint32_t n, last_seq, stop_at;
  int ordered;
};

static int32_t on_message(void *ctx, const struct imap_fetch_message *m) {
  struct each_ctx *e = ctx;
  e->n++;
  e->ordered &= m->seq == e->last_seq + 1 && m->has_uid;
  e->last_seq = m->seq;
  return e->stop_at != 0 && e->n == e->stop_at;
}

static void test_fetch_each(void) {
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  struct each_ctx e = {0, 0, 0, 1};
  imap_ticket t = 0;
  size_t pulled = 0;
  int32_t code;
  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_fetch_each(c, "1:*", "(UID FLAGS ENVELOPE)", on_message, &e),
             IMAP_CODE_OK);
  CHECK(e.n == 20 && e.ordered);
  /* Stop at the fifth: the rest is read and dropped, the connection stays usable. */
  memset(&e, 0, sizeof e);
  e.ordered = 1;
  e.stop_at = 5;
  CHECK_CODE(c, imap_uid_fetch_each(c, "1:*", "(FLAGS)", on_message, &e), IMAP_CODE_STOPPED);
  CHECK(e.n == 5);
  CHECK_CODE(c, imap_fetch_each(c, "1", "(FLAGS)", NULL, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  result_done(&r);
  /* The pull form. */
  CHECK_CODE(c, imap_fetch_stream(c, "1:*", "(UID)", 0, &t), IMAP_CODE_OK);
  for (;;) {
    struct imap_fetch_list *list = NULL;
    code = imap_fetch_next(c, t, 7, &list);
    if (list == NULL)
      break;
    CHECK(list->count >= 1 && list->count <= 7);
    pulled += list->count;
    imap_fetch_list_free(list);
  }
  CHECK_CODE(c, code, IMAP_CODE_OK);
  CHECK(pulled == 20);
  test_logout(c);
}

struct worker {
  imap_client *c;
  int id, failures;
};

/* The result of a synchronous FETCH holds its own message's answer, and nothing of another
 * thread's FETCH. A call with nothing else in flight returns what imaplib's would, which
 * includes the flag changes the server reported meanwhile about other messages (another test
 * may be storing flags in this INBOX): those are FLAGS responses, never a bare UID answer. */
static int own_answer(const imap_result *r, const char *want) {
  int found = 0;
  size_t i;
  for (i = 0; i < imap_result_count(r); i++) {
    const char *text = item_text(r, i);
    if (strcmp(text, want) == 0)
      found = 1;
    else if (strstr(text, "FLAGS") == NULL)
      return 0;
  }
  return found;
}

static void *work(void *arg) {
  struct worker *w = arg;
  int round, k;
  if (w->id % 2 == 1) {
    /* Synchronous calls from several threads: each is a submit and a collect, pipelined with
     * the others' commands. */
    for (round = 0; round < 60; round++) {
      imap_result *r = NULL;
      char set[16], want[32];
      int n = (w->id * 7 + round) % 20 + 1;
      snprintf(set, sizeof set, "%d", n);
      snprintf(want, sizeof want, "%d (UID %d)", n, n);
      imap_code code = imap_fetch(w->c, set, "(UID)", &r);
      if (code != IMAP_CODE_OK || !own_answer(r, want)) {
        fprintf(stderr, "thread %d, FETCH %s: %s, %zu item(s), first \"%s\"\n", w->id, set,
                imap_code_name(code), imap_result_count(r), r ? item_text(r, 0) : "");
        w->failures++;
      }
      imap_result_free(r);
    }
    return NULL;
  }
  for (round = 0; round < 30; round++) {
    imap_ticket t[3];
    int n[3];
    for (k = 0; k < 3; k++) {
      char set[16];
      n[k] = (w->id * 7 + round + k) % 20 + 1;
      snprintf(set, sizeof set, "%d", n[k]);
      if (imap_submit_fetch(w->c, set, "(UID)", &t[k]) != IMAP_CODE_OK)
        w->failures++;
    }
    for (k = 2; k >= 0; k--) {
      imap_result *r = NULL;
      char want[32];
      snprintf(want, sizeof want, "%d (UID %d)", n[k], n[k]);
      imap_code code = imap_collect(w->c, t[k], &r);
      if (code != IMAP_CODE_OK || imap_result_count(r) < 1 || strcmp(item_text(r, 0), want) != 0) {
        fprintf(stderr, "thread %d, collect %d: %s, %zu item(s), first \"%s\"\n", w->id, n[k],
                imap_code_name(code), imap_result_count(r), r ? item_text(r, 0) : "");
        w->failures++;
      }
      imap_result_free(r);
    }
  }
  return NULL;
}

static void test_threads(void) {
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  struct worker w[4];
  pthread_t th[4];
  int i;
  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
  result_done(&r);
  for (i = 0; i < 4; i++) {
    w[i].c = c;
    w[i].id = i;
    w[i].failures = 0;
    CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
  }
  for (i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK(w[i].failures == 0);
  }
  CHECK(imap_pending_count(c) == 0);
  test_logout(c);
}

/* The heap in use now (glibc: small blocks plus mmap'ed ones). */
static size_t heap_in_use(void) {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

struct big_ctx {
  struct each_ctx e;
  size_t base, peak;
};

static int32_t on_big(void *ctx, const struct imap_fetch_message *m) {
  struct big_ctx *b = ctx;
  if (b->e.n % 1000 == 0) {
    size_t now = heap_in_use();
    if (now > b->peak)
      b->peak = now;
  }
  return on_message(&b->e, m);
}

/* 100,000 messages through imap_fetch_each: the heap in use, sampled every 1,000 messages,
 * stays within 4 MiB of where it started (the responses' data alone is about 10 MB). */
static void test_big(void) {
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  struct big_ctx b = {{0, 0, 0, 1}, 0, 0};
  CHECK_CODE(c, imap_select(c, "Big", 1, &r), IMAP_CODE_OK);
  result_done(&r);
  b.base = b.peak = heap_in_use();
  CHECK_CODE(c, imap_fetch_each(c, "1:*", "(UID FLAGS RFC822.SIZE)", on_big, &b), IMAP_CODE_OK);
  CHECK(b.e.n == 100000 && b.e.ordered);
  printf("test_pipeline big: heap in use grew by at most %zu bytes over 100000 messages\n",
         b.peak - b.base);
  CHECK(b.peak - b.base < (size_t)4 << 20);
  test_logout(c);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "big") == 0) {
    test_big();
  } else {
    test_interleaved();
    test_fetch_each();
    test_threads();
  }
  return test_finish("test_pipeline");
}
