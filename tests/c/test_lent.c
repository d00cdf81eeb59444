/* imap_set_literal_allocator: literals of at least min_size bytes are read into buffers the
 * caller lends (same bytes as buffered, literal_handle set, literal pointing into the lent
 * buffer); smaller ones and declined ones are buffered; every lent buffer is released exactly
 * once: when the result is freed, when the handle is freed with the literal still in the
 * untagged store, when the connection fails in the middle of the literal. The literal limit
 * refuses a literal before any buffer is asked for. Run under valgrind (memcheck_c_lent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MAX_LENT 64

typedef struct lender {
  int allocs, releases, bad_release, decline;
  size_t sizes[MAX_LENT];
  void *lent[MAX_LENT]; /* handles not yet released */
} lender;

static uint8_t *lend(void *user_data, size_t size, void **handle) {
  lender *l = user_data;
  uint8_t *p;
  if (l->decline)
    return NULL;
  p = malloc(size);
  if (!p || l->allocs >= MAX_LENT) {
    free(p);
    return NULL;
  }
  l->sizes[l->allocs] = size;
  l->lent[l->allocs++] = p;
  *handle = p;
  return p;
}

static void give_back(void *user_data, void *handle) {
  lender *l = user_data;
  int i, found = 0;
  for (i = 0; i < l->allocs; i++) {
    if (l->lent[i] == handle) {
      l->lent[i] = NULL;
      found = 1;
      break;
    }
  }
  if (!found)
    l->bad_release++; /* unknown or released twice */
  else
    free(handle);
  l->releases++;
}

static const char BODY200[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
    "8901234567890123456789012345678901234567890123456789012345678901234567890123456789012345"
    "678901234567890123456789";

static void against_dovecot(void) {
  imap_client *c = test_login(1);
  imap_result *buffered = NULL, *lent = NULL;
  lender l;
  size_t i, n, big = 0;
  memset(&l, 0, sizeof l);
  CHECK_CODE(c, imap_select(c, "INBOX", 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "1:3", "(BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (X-NONE)])", &buffered),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_literal_allocator(c, lend, give_back, &l, 100), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "1:3", "(BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (X-NONE)])", &lent),
             IMAP_CODE_OK);
  n = imap_result_count(buffered);
  CHECK(n > 0 && n == imap_result_count(lent));
  for (i = 0; i < n; i++) {
    const imap_item *b = imap_result_item(buffered, i), *s = imap_result_item(lent, i);
    CHECK(b && s && b->kind == s->kind && b->len == s->len);
    if (!b || !s || b->kind != IMAP_ITEM_KIND_LITERAL)
      continue;
    CHECK(b->literal_handle == NULL);
    CHECK(s->literal_len == b->literal_len && s->literal &&
          memcmp(s->literal, b->literal, b->literal_len) == 0);
    if (s->literal_len >= 100) {
      CHECK(s->literal_handle != NULL && s->literal == (const uint8_t *)s->literal_handle);
      big++;
    } else {
      CHECK(s->literal_handle == NULL); /* small: buffered by the library */
    }
  }
  CHECK(big == 3 && l.allocs == 3 && l.releases == 0);
  result_done(&lent);
  CHECK(l.releases == 3 && l.bad_release == 0);

  /* Declined: buffered as usual. */
  l.decline = 1;
  CHECK_CODE(c, imap_fetch(c, "1", "(BODY.PEEK[])", &lent), IMAP_CODE_OK);
  CHECK(imap_result_count(lent) >= 1 && imap_result_item(lent, 0)->literal != NULL &&
        imap_result_item(lent, 0)->literal_handle == NULL);
  result_done(&lent);
  CHECK(l.allocs == 3);

  /* NULL restores buffering; a NULL release is refused. */
  l.decline = 0;
  CHECK_CODE(c, imap_set_literal_allocator(c, NULL, NULL, NULL, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "1", "(BODY.PEEK[])", &lent), IMAP_CODE_OK);
  CHECK(imap_result_item(lent, 0)->literal_handle == NULL && l.allocs == 3);
  result_done(&lent);
  CHECK_CODE(c, imap_set_literal_allocator(c, lend, NULL, &l, 0), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "release") != NULL);
  CHECK_CODE(c, imap_set_literal_allocator(NULL, lend, give_back, &l, 0),
             IMAP_CODE_INVALID_ARGUMENT);
  result_done(&buffered);
  test_logout(c);
  CHECK(l.releases == l.allocs && l.bad_release == 0);
}

/* A fake server answering NOOP with `reply`; the client lends with min_size 100. */
static imap_client *fake(fake_server *s, const char *reply, lender *l) {
  imap_client *c;
  /* PREAUTH: mailbox data received before login would be dropped */
  fake_server_start_greeting(s, "* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n", reply);
  c = fake_server_client(s);
  CHECK_CODE(c, imap_set_literal_allocator(c, lend, give_back, l, 100), IMAP_CODE_OK);
  return c;
}

static void against_fake(void) {
  static char unsolicited[512], truncated[512];
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  lender l;
  snprintf(unsolicited, sizeof unsolicited,
           "* 1 FETCH (BODY[] {200}\r\n%s)\r\n* 2 FETCH (BODY[] {200}\r\n%s)\r\n$TAG OK done\r\n",
           BODY200, BODY200);
  snprintf(truncated, sizeof truncated, "* 1 FETCH (BODY[] {300}\r\n%s", BODY200);

  /* Unsolicited FETCH bodies in the untagged store: one taken, one freed with the handle. */
  memset(&l, 0, sizeof l);
  c = fake(&s, unsolicited, &l);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK(l.allocs == 2 && l.releases == 0);
  CHECK_CODE(c, imap_response(c, "FETCH", &r), IMAP_CODE_OK);
  CHECK(r && imap_result_count(r) == 4);
  if (r && imap_result_count(r) == 4) {
    const imap_item *it = imap_result_item(r, 0);
    CHECK(it->kind == IMAP_ITEM_KIND_LITERAL && it->literal_len == 200 &&
          it->literal_handle != NULL && memcmp(it->literal, BODY200, 200) == 0);
  }
  result_done(&r);
  CHECK(l.releases == 2 && l.bad_release == 0); /* both were in the one result */
  imap_client_free(c);
  fake_server_join(&s);

  memset(&l, 0, sizeof l);
  c = fake(&s, unsolicited, &l);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK(l.allocs == 2 && l.releases == 0);
  imap_client_free(c); /* still in the store */
  CHECK(l.releases == 2 && l.bad_release == 0);
  fake_server_join(&s);

  /* The connection ends in the middle of the literal: its buffer is given back. */
  memset(&l, 0, sizeof l);
  c = fake(&s, truncated, &l);
  CHECK(imap_noop(c, NULL) != IMAP_CODE_OK);
  CHECK(l.allocs == 1 && l.sizes[0] == 300);
  CHECK(l.releases == 1 && l.bad_release == 0);
  imap_client_free(c);
  CHECK(l.releases == 1);
  fake_server_join(&s);

  /* Over the literal limit: refused before any buffer is asked for. */
  memset(&l, 0, sizeof l);
  c = fake(&s, unsolicited, &l);
  CHECK_CODE(c, imap_set_limit(c, IMAP_LIMIT_LITERAL, 150), IMAP_CODE_OK);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_LIMIT);
  CHECK(l.allocs == 0 && l.releases == 0);
  imap_client_free(c);
  fake_server_join(&s);
}

int main(void) {
  against_dovecot();
  against_fake();
  return test_finish("lent");
}
