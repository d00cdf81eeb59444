/* SCRAM (RFC 5802, RFC 7677) and the automatic login against the test Dovecot, which offers
 * SCRAM-SHA-1 and SCRAM-SHA-256 (no -PLUS: Dovecot 2.3 has no channel binding): each SCRAM
 * login, a wrong password (NO, the connection usable), the strongest mechanism picked by
 * imap_login_auto over a plain and a TLS connection, and the refusals. The hostile cases (a
 * server with a wrong signature, channel binding) are in tests/sasl.rs against the fake
 * server. */
#include <stdio.h>
#include <string.h>

#include "common.h"

static void scram(const char *mechanism) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  imap_result *r = NULL;
  CHECK_CODE(c, imap_login_scram(c, mechanism, NULL, "user1", "pass1", &r), IMAP_CODE_OK);
  CHECK(r && strcmp(imap_result_type(r), "OK") == 0);
  result_done(&r);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
  CHECK(imap_client_auth_mechanism(c) && strcmp(imap_client_auth_mechanism(c), mechanism) == 0);
  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
  result_done(&r);
  test_logout(c);

  /* a wrong password: NO, and the connection stays usable (once: Dovecot delays the
   * logins from an address after failures, by seconds) */
  if (strcmp(mechanism, "SCRAM-SHA-256") != 0) return;
  c = test_connect(IMAP_TLS_MODE_NONE);
  CHECK_CODE(c, imap_login_scram(c, mechanism, NULL, "user1", "wrong", &r), IMAP_CODE_NO);
  result_done(&r);
  CHECK(imap_client_is_open(c) == 1);
  CHECK(imap_client_auth_mechanism(c) == NULL);
  CHECK(strstr(imap_last_error(c), "wrong") == NULL); /* the password is never echoed */
  CHECK_CODE(c, imap_login_scram(c, mechanism, NULL, "user1", "pass1", &r), IMAP_CODE_OK);
  result_done(&r);
  test_logout(c);
}

int main(void) {
  imap_client *c;
  imap_result *r = NULL;

  scram("SCRAM-SHA-256");
  scram("SCRAM-SHA-1");

  /* not offered (-PLUS needs TLS and Dovecot 2.3 has none): nothing sent */
  c = test_connect(IMAP_TLS_MODE_IMPLICIT);
  CHECK_CODE(c, imap_login_scram(c, "SCRAM-SHA-256-PLUS", NULL, "user1", "pass1", &r),
             IMAP_CODE_UNSUPPORTED);
  CHECK_CODE(c, imap_login_scram(c, "SCRAM-MD5", NULL, "user1", "pass1", &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_client_state(c) == IMAP_STATE_NONAUTH);

  /* the automatic choice over TLS: the strongest offered */
  CHECK_CODE(c, imap_login_auto(c, "user1", "pass1", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK(imap_client_auth_mechanism(c) &&
        strcmp(imap_client_auth_mechanism(c), "SCRAM-SHA-256") == 0);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
  test_logout(c);

  /* ... and over a plain connection too: SCRAM never sends the password */
  c = test_connect(IMAP_TLS_MODE_NONE);
  CHECK_CODE(c, imap_login_auto(c, "user1", "pass1", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK(imap_client_auth_mechanism(c) &&
        strcmp(imap_client_auth_mechanism(c), "SCRAM-SHA-256") == 0);
  test_logout(c);

  /* the LOGIN command is named as such */
  c = test_connect(IMAP_TLS_MODE_NONE);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK(imap_client_auth_mechanism(c) &&
        strcmp(imap_client_auth_mechanism(c), "LOGIN-COMMAND") == 0);
  test_logout(c);
  CHECK_CODE(NULL, imap_set_plaintext_password(NULL, 1), IMAP_CODE_INVALID_ARGUMENT);
  return test_finish("scram");
}
