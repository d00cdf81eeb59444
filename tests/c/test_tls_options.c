/* TLS options against the test Dovecot (whose self-signed certificate names localhost and
 * 127.0.0.1): the system's CA certificates off, a CA directory in OpenSSL's hashed layout,
 * the name verified (and sent as SNI) when connecting by address, the oldest TLS version;
 * for implicit TLS and STARTTLS alike, and the errors each gives. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static imap_client *bare(void) {
  imap_client *c = NULL;
  imap_client_new(&c);
  CHECK_CODE(c, imap_set_timeouts(c, 20000, 30000), IMAP_CODE_OK);
  return c;
}

/* imap_open on the port of `mode`; logs in and out when it worked. Returns the code. */
static int open_mode(imap_client *c, int32_t mode) {
  const char *port = mode == IMAP_TLS_MODE_IMPLICIT ? "DOVECOT_IMAPS_PORT" : "DOVECOT_IMAP_PORT";
  int rc = imap_open(c, "127.0.0.1", test_port(port), mode);
  if (rc == IMAP_CODE_OK) {
    CHECK(imap_client_is_tls(c) == 1);
    CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
    CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  }
  return rc;
}

int main(void) {
  const int32_t modes[] = {IMAP_TLS_MODE_IMPLICIT, IMAP_TLS_MODE_STARTTLS};
  char dir[128], cmd[512], empty[160];
  size_t m;
  imap_client *c;

  /* a CA directory holding the test CA, hashed; and an empty one */
  snprintf(dir, sizeof dir, "/tmp/libimap-ctest-cadir-%d", (int)getpid());
  snprintf(empty, sizeof empty, "%s/empty", dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/test-ca.pem' && openssl rehash '%s' >/dev/null 2>&1",
           empty, test_env("DOVECOT_CA"), dir, dir);
  CHECK(system(cmd) == 0);
  /* "the system's certificates" are OpenSSL's defaults, which these variables choose: here
   * the test CA alone (read when the first connection builds its context) */
  setenv("SSL_CERT_FILE", test_env("DOVECOT_CA"), 1);
  setenv("SSL_CERT_DIR", empty, 1);

  for (m = 0; m < 2; m++) {
    int32_t mode = modes[m];
    /* the system's certificates, by default: verified */
    c = bare();
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    imap_client_free(c);
    /* the system's certificates off and nothing else: nothing to verify with */
    c = bare();
    CHECK_CODE(c, imap_set_tls_system_roots(c, 0), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_TLS);
    CHECK(strstr(imap_last_error(c), "certificate verify failed") != NULL);
    imap_client_free(c);

    /* ... with the CA file: verified */
    c = bare();
    CHECK_CODE(c, imap_set_tls_system_roots(c, 0), IMAP_CODE_OK);
    CHECK_CODE(c, imap_set_ca_file(c, test_env("DOVECOT_CA")), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    imap_client_free(c);

    /* ... with the CA directory: verified; an empty directory: not */
    c = bare();
    CHECK_CODE(c, imap_set_tls_system_roots(c, 0), IMAP_CODE_OK);
    CHECK_CODE(c, imap_set_ca_dir(c, dir), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    CHECK_CODE(c, imap_set_ca_dir(c, empty), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_TLS);
    CHECK(strstr(imap_last_error(c), "certificate verify failed") != NULL);
    /* not a directory: named in the error */
    CHECK_CODE(c, imap_set_ca_dir(c, "/nonexistent/libimap-ca-dir"), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_TLS);
    CHECK(strstr(imap_last_error(c), "/nonexistent/libimap-ca-dir") != NULL);
    imap_client_free(c);

    /* connecting by address, verifying a name: localhost is in the certificate... */
    c = test_client();
    CHECK_CODE(c, imap_set_tls_server_name(c, "localhost"), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    /* ... another name is not */
    CHECK_CODE(c, imap_set_tls_server_name(c, "mail.example.org"), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_TLS);
    CHECK(strstr(imap_last_error(c), "mismatch") != NULL);
    CHECK(strstr(imap_last_error(c), "mail.example.org") != NULL);
    /* NULL: the host given to imap_open again (127.0.0.1, in the certificate) */
    CHECK_CODE(c, imap_set_tls_server_name(c, NULL), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    imap_client_free(c);

    /* TLS 1.3 only (the test Dovecot speaks it) */
    c = test_client();
    CHECK_CODE(c, imap_set_tls_min_version(c, IMAP_TLS_VERSION_TLS13), IMAP_CODE_OK);
    CHECK_CODE(c, open_mode(c, mode), IMAP_CODE_OK);
    imap_client_free(c);
  }

  /* bad arguments */
  c = bare();
  CHECK_CODE(c, imap_set_tls_server_name(c, "a b"), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_tls_server_name(c, ""), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_tls_server_name(c, "x\r\n"), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_tls_min_version(c, 11), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "11") != NULL);
  CHECK(strcmp(imap_tls_version_name(IMAP_TLS_VERSION_TLS13), "IMAP_TLS_VERSION_TLS13") == 0);
  imap_client_free(c);

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return test_finish("tls_options");
}
