/*
 * Authentication, IDLE, stream connections and raw I/O through the C ABI, against the test
 * Dovecot: imap_authenticate with a callback, the built-in mechanisms, a master-user login,
 * IDLE woken by another connection's APPEND, IMAP4_stream, and imap_send_line /
 * imap_read_response.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* Answers the LOGIN mechanism's two challenges from a list; a NULL entry aborts. */
typedef struct sasl_script {
  const char *answers[3];
  int calls;
  char challenges[3][32];
} sasl_script;

static int32_t sasl_step(void *user_data, const uint8_t *challenge, size_t len,
                         const uint8_t **response, size_t *response_len) {
  sasl_script *s = user_data;
  const char *a;
  if (s->calls >= 3)
    return 1;
  snprintf(s->challenges[s->calls], sizeof s->challenges[0], "%.*s", (int)len,
           (const char *)challenge);
  a = s->answers[s->calls++];
  if (!a)
    return 1;
  *response = (const uint8_t *)a;
  *response_len = strlen(a);
  return 0;
}

static imap_client *connect_plain(void) { return test_connect(IMAP_TLS_MODE_NONE); }

static void test_callback(void) {
  imap_client *c = connect_plain();
  sasl_script ok = {{"user2", "pass2", NULL}, 0, {{0}}};
  sasl_script abort_it = {{"user2", NULL, NULL}, 0, {{0}}};
  int code = imap_authenticate(c, "LOGIN", NULL, 0, sasl_step, &abort_it, NULL);
  CHECK(code == IMAP_CODE_NO || code == IMAP_CODE_BAD);
  CHECK(abort_it.calls == 2);
  CHECK(imap_client_state(c) == IMAP_STATE_NONAUTH);
  CHECK_CODE(c, imap_authenticate(c, "LOGIN", NULL, 0, sasl_step, &ok, NULL), IMAP_CODE_OK);
  CHECK(ok.calls == 2);
  CHECK(strcmp(ok.challenges[0], "Username:") == 0);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
  CHECK_CODE(c, imap_authenticate(c, "LOGIN", NULL, 0, NULL, NULL, NULL),
             IMAP_CODE_INVALID_ARGUMENT);
  test_logout(c);
}

typedef int32_t (*login_fn)(imap_client *, const char *, const char *, imap_result **);

static void test_builtin(void) {
  const login_fn fns[] = {imap_login_sasl_login, imap_login_cram_md5};
  size_t i;
  for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    imap_client *c = connect_plain();
    CHECK_CODE(c, fns[i](c, "user2", "wrong-secret", NULL), IMAP_CODE_NO);
    CHECK(strstr(imap_last_error(c), "wrong-secret") == NULL);
    CHECK_CODE(c, fns[i](c, "user2", "pass2", NULL), IMAP_CODE_OK);
    CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
    test_logout(c);
  }
  {
    imap_client *c = connect_plain();
    /* Dovecot's master user, acting as user3. */
    CHECK_CODE(c, imap_login_plain(c, "user3", "master", "masterpw", NULL), IMAP_CODE_OK);
    test_logout(c);
  }
  {
    imap_client *c = connect_plain();
    CHECK_CODE(c, imap_login_xoauth2(c, "user2", "token", NULL), IMAP_CODE_UNSUPPORTED);
    CHECK_CODE(c, imap_login_oauthbearer(c, "user2", "token", NULL), IMAP_CODE_UNSUPPORTED);
    CHECK_CODE(c, imap_login_plain(c, NULL, "user2", "pass2", NULL), IMAP_CODE_OK);
    test_logout(c);
  }
}

static void test_idle(void) {
  char mbox[96];
  const char msg[] = "Subject: idle\r\n\r\nwake up\r\n";
  imap_client *c = test_login(2), *other = test_login(2);
  imap_result *r = NULL;
  test_mailbox_name(mbox, sizeof mbox, "idle");
  CHECK_CODE(c, imap_create(c, mbox, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_select(c, mbox, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_idle_start(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_IDLING);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_ILLEGAL_STATE);
  CHECK_CODE(c, imap_idle_wait(c, 200, &r), IMAP_CODE_OK);
  CHECK(r == NULL);
  CHECK_CODE(other, imap_append(other, mbox, NULL, NULL, (const uint8_t *)msg, strlen(msg), NULL),
             IMAP_CODE_OK);
  r = idle_update(c, "EXISTS", 10000);
  CHECK(r != NULL);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, "1"));
  result_done(&r);
  CHECK_CODE(c, imap_idle_done(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_SELECTED);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, mbox, NULL), IMAP_CODE_OK);
  test_logout(other);
  test_logout(c);
}

static void test_stream_and_raw(void) {
  imap_client *c = test_client();
  imap_result *r = NULL;
  CHECK_CODE(c, imap_open_stream(c, test_env("DOVECOT_STREAM_CMD")), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
  CHECK(imap_client_fd(c) >= 0);
  CHECK_CODE(c, imap_send_line(c, (const uint8_t *)"R1 NOOP\r\nR2 LOGOUT", 18),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_send_line(c, (const uint8_t *)"R1 NOOP", 7), IMAP_CODE_OK);
  CHECK_CODE(c, imap_read_response(c, 10000, &r), IMAP_CODE_OK);
  CHECK(r != NULL && strncmp(item_text(r, 0), "R1 OK", 5) == 0);
  result_done(&r);
  CHECK_CODE(c, imap_read_response(c, 50, &r), IMAP_CODE_OK);
  CHECK(r == NULL);
  CHECK_CODE(c, imap_select(c, "INBOX", 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_is_open(c) == 0);
  CHECK(imap_client_fd(c) == -1);
  imap_client_free(c);
}

int main(void) {
  test_callback();
  test_builtin();
  test_idle();
  test_stream_and_raw();
  return test_finish("test_auth");
}
