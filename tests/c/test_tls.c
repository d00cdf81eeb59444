/* TLS: implicit TLS and STARTTLS (imap_open mode and imap_starttls) with the test CA, and a
 * certificate that fails verification without it. */
#include "common.h"

#include <string.h>

/* Logs in as user3 on a TLS connection and checks the session works. */
static void login_over_tls(imap_client *c) {
  imap_result *r = NULL;
  char *caps;
  CHECK(imap_client_is_tls(c) == 1);
  caps = imap_client_capabilities(c);
  CHECK(caps && strstr(caps, "IMAP4REV1") && !strstr(caps, "STARTTLS"));
  imap_string_free(caps);
  CHECK_CODE(c, imap_login(c, "user3", "pass3", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1);
  result_done(&r);
  test_logout(c);
}

static void test_verified(void) {
  imap_client *c;
  imap_result *r = NULL;
  login_over_tls(test_connect(IMAP_TLS_MODE_IMPLICIT));
  login_over_tls(test_connect(IMAP_TLS_MODE_STARTTLS));

  c = test_connect(IMAP_TLS_MODE_NONE);
  CHECK(imap_client_has_capability(c, "STARTTLS") == 1 && imap_client_is_tls(c) == 0);
  CHECK_CODE(c, imap_starttls(c, &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_status(r), "OK") == 0);
  result_done(&r);
  login_over_tls(c);
}

/* Without the test CA the self-signed certificate must be refused. */
static void test_unverified(int32_t mode, const char *port_key) {
  imap_client *c = NULL;
  imap_result *r = NULL;
  CHECK_CODE(c, imap_client_new(&c), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port(port_key), mode), IMAP_CODE_TLS);
  CHECK(strlen(imap_last_error(c)) > 0);
  CHECK(imap_client_is_tls(c) == 0);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_CLOSED);
  CHECK(r == NULL);
  /* the same handle can connect again once verification is off (tests only) */
  CHECK_CODE(c, imap_set_tls_verify(c, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port(port_key), mode), IMAP_CODE_OK);
  login_over_tls(c);
}

int main(void) {
  test_verified();
  test_unverified(IMAP_TLS_MODE_IMPLICIT, "DOVECOT_IMAPS_PORT");
  test_unverified(IMAP_TLS_MODE_STARTTLS, "DOVECOT_IMAP_PORT");
  return test_finish("test_tls");
}
