/* COMPRESS=DEFLATE (RFC 4978) through the C API against the test Dovecot: imap_compress on a
 * plain and a TLS connection (a message of 512 KiB appended and fetched back byte for byte),
 * the refusals that send nothing (before login, twice), imap_set_compress (COMPRESS after
 * login) and imap_client_is_compressed, NULL handles. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MSG_SIZE (512u * 1024u)

/* A message of MSG_SIZE bytes of CRLF lines that vary with their number. */
static uint8_t *make_message(size_t *len) {
  static const char head[] = "Subject: compressed\r\n\r\n";
  uint8_t *m = malloc(MSG_SIZE);
  size_t n = 0, line = 0;
  CHECK(m != NULL);
  if (!m) exit(1);
  memcpy(m, head, sizeof head - 1);
  n = sizeof head - 1;
  while (n + 64 <= MSG_SIZE) {
    size_t i;
    for (i = 0; i < 62; i++) m[n + i] = (uint8_t)('a' + (line * 7 + i * (line % 5 + 1)) % 26);
    m[n + 62] = '\r';
    m[n + 63] = '\n';
    n += 64;
    line++;
  }
  *len = n;
  return m;
}

/* Appends the message to a new mailbox, fetches it back and compares; then deletes it. */
static void round_trip(imap_client *c, const uint8_t *msg, size_t len) {
  imap_result *r = NULL;
  char mbox[128];
  const imap_item *it;
  test_mailbox_name(mbox, sizeof mbox, "compress");
  CHECK_CODE(c, imap_create(c, mbox, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_append(c, mbox, NULL, NULL, msg, len, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_select(c, mbox, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "1", "(BODY.PEEK[])", &r), IMAP_CODE_OK);
  CHECK(r != NULL && imap_result_count(r) >= 1);
  if (r && imap_result_count(r) >= 1) {
    it = imap_result_item(r, 0);
    CHECK(it->literal_len == len && memcmp(it->literal, msg, len) == 0);
  }
  result_done(&r);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, mbox, NULL), IMAP_CODE_OK);
}

static void test_compress_plain_and_tls(const uint8_t *msg, size_t len) {
  imap_result *r = NULL;
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  /* Before authentication: refused for the state, nothing sent. */
  CHECK_CODE(c, imap_compress(c, &r), IMAP_CODE_ILLEGAL_STATE);
  CHECK(r == NULL && imap_client_is_compressed(c) == 0);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
  CHECK(imap_client_has_capability(c, "COMPRESS=DEFLATE") == 1);
  CHECK_CODE(c, imap_compress(c, &r), IMAP_CODE_OK);
  CHECK(r != NULL && strcmp(imap_result_status(r), "OK") == 0);
  result_done(&r);
  CHECK(imap_client_is_compressed(c) == 1);
  /* Once per connection. */
  CHECK_CODE(c, imap_compress(c, &r), IMAP_CODE_ILLEGAL_STATE);
  CHECK(strstr(imap_last_error(c), "COMPRESSIONACTIVE") != NULL);
  round_trip(c, msg, len);
  test_logout(c);

  c = test_connect(IMAP_TLS_MODE_IMPLICIT);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_compress(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_is_tls(c) == 1 && imap_client_is_compressed(c) == 1);
  round_trip(c, msg, len);
  test_logout(c);
}

static void test_option(void) {
  imap_client *c = test_client();
  CHECK_CODE(c, imap_set_compress(c, 1), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                          IMAP_TLS_MODE_STARTTLS),
             IMAP_CODE_OK);
  CHECK(imap_client_is_compressed(c) == 0);
  CHECK_CODE(c, imap_login_auto(c, "user1", "pass1", NULL), IMAP_CODE_OK);
  CHECK(imap_client_is_compressed(c) == 1);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  test_logout(c);

  /* Off again: a new connection stays uncompressed. */
  c = test_client();
  CHECK_CODE(c, imap_set_compress(c, 1), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_compress(c, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                          IMAP_TLS_MODE_NONE),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
  CHECK(imap_client_is_compressed(c) == 0);
  test_logout(c);
}

static void test_null(void) {
  imap_result *r = NULL;
  CHECK(imap_compress(NULL, &r) == IMAP_CODE_INVALID_ARGUMENT && r == NULL);
  CHECK(imap_set_compress(NULL, 1) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_client_is_compressed(NULL) == 0);
}

int main(void) {
  size_t len = 0;
  uint8_t *msg = make_message(&len);
  test_compress_plain_and_tls(msg, len);
  test_option();
  test_null();
  free(msg);
  return test_finish("test_compress");
}
