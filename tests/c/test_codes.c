/* Without a server: code names and descriptions, NULL handles and results, an unopened
 * client, settings validation, a refused connection. */
#include "common.h"

#include <string.h>

static void test_code_names(void) {
  static const struct { int32_t code; const char *name; } codes[] = {
      {IMAP_CODE_OK, "IMAP_CODE_OK"},
      {IMAP_CODE_NO, "IMAP_CODE_NO"},
      {IMAP_CODE_BAD, "IMAP_CODE_BAD"},
      {IMAP_CODE_ABORT, "IMAP_CODE_ABORT"},
      {IMAP_CODE_READONLY, "IMAP_CODE_READONLY"},
      {IMAP_CODE_INVALID_ARGUMENT, "IMAP_CODE_INVALID_ARGUMENT"},
      {IMAP_CODE_ILLEGAL_STATE, "IMAP_CODE_ILLEGAL_STATE"},
      {IMAP_CODE_TIMEOUT, "IMAP_CODE_TIMEOUT"},
      {IMAP_CODE_INTERRUPTED, "IMAP_CODE_INTERRUPTED"},
      {IMAP_CODE_TLS, "IMAP_CODE_TLS"},
      {IMAP_CODE_LIMIT, "IMAP_CODE_LIMIT"},
      {IMAP_CODE_CLOSED, "IMAP_CODE_CLOSED"},
      {IMAP_CODE_CONNECT, "IMAP_CODE_CONNECT"},
      {IMAP_CODE_INTERNAL, "IMAP_CODE_INTERNAL"},
  };
  size_t i, j;
  int32_t code, known = 0;
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECK(strcmp(imap_code_name(codes[i].code), codes[i].name) == 0);
    for (j = 0; j < i; j++) /* descriptions are distinct */
      CHECK(strcmp(imap_code_str(codes[i].code), imap_code_str(codes[j].code)) != 0);
  }
  CHECK(strcmp(imap_code_str(IMAP_CODE_NO), "the server answered NO") == 0);
  /* every number, including codes added after this test was written */
  for (code = -3; code < 100; code++) {
    const char *name = imap_code_name(code), *str = imap_code_str(code);
    CHECK(strncmp(name, "IMAP_CODE_", 10) == 0 && str && *str);
    if (strcmp(name, "IMAP_CODE_UNKNOWN") == 0) {
      CHECK(strcmp(str, imap_code_str(-1)) == 0);
    } else {
      known++;
      CHECK(strcmp(str, imap_code_str(-1)) != 0 && strcmp(name, imap_code_name(code - 1)) != 0);
    }
  }
  CHECK(known >= (int32_t)(sizeof codes / sizeof codes[0]));
  CHECK(strcmp(imap_code_name(INT32_MIN), "IMAP_CODE_UNKNOWN") == 0);
}

static void test_null_handles(void) {
  size_t len = 99;
  CHECK(imap_client_new(NULL) == IMAP_CODE_INVALID_ARGUMENT);
  imap_client_free(NULL);
  imap_result_free(NULL);
  imap_string_free(NULL);
  CHECK(strlen(imap_last_error(NULL)) > 0);
  CHECK(imap_client_state(NULL) == IMAP_STATE_LOGOUT);
  CHECK(imap_open(NULL, "localhost", 143, IMAP_TLS_MODE_NONE) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_noop(NULL, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_interrupt(NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_interrupt_clear(NULL) == 0);
  CHECK(imap_wake(NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_shutdown(NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_timeouts(NULL, 1, 1) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_call_timeout(NULL, 1, 1) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_debug(NULL, 1) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_ca_file(NULL, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_log_callback(NULL, NULL, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_set_limit(NULL, IMAP_LIMIT_LINE, 1) == IMAP_CODE_INVALID_ARGUMENT);
  {
    uint64_t v = 0;
    CHECK(imap_get_limit(NULL, IMAP_LIMIT_LINE, &v) == IMAP_CODE_INVALID_ARGUMENT);
  }
  CHECK(imap_client_capabilities(NULL) == NULL);
  CHECK(imap_client_welcome(NULL) == NULL);
  CHECK(imap_client_has_capability(NULL, "IMAP4REV1") == 0);
  CHECK(imap_result_type(NULL) == NULL);
  CHECK(imap_result_status(NULL) == NULL);
  CHECK(imap_result_code(NULL) == NULL);
  CHECK(imap_result_count(NULL) == 0);
  CHECK(imap_result_item(NULL, 0) == NULL);
  CHECK(imap_result_text(NULL, &len) == NULL && len == 0);
  len = 99;
  CHECK(imap_result_code_data(NULL, &len) == NULL && len == 0);
  CHECK(imap_result_text(NULL, NULL) == NULL);
}

static void test_unopened_client(void) {
  imap_client *c = NULL;
  imap_result *r = (imap_result *)&c; /* must be reset to NULL */
  char *caps;
  CHECK_CODE(NULL, imap_client_new(&c), IMAP_CODE_OK);
  CHECK(c != NULL);
  CHECK(strcmp(imap_last_error(c), "") == 0);
  CHECK(imap_client_state(c) == IMAP_STATE_LOGOUT);
  CHECK(imap_client_welcome(c) == NULL);
  CHECK(imap_client_protocol_version(c) == NULL);
  CHECK(imap_client_is_tls(c) == 0);
  caps = imap_client_capabilities(c);
  CHECK(caps && strcmp(caps, "") == 0);
  imap_string_free(caps);

  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_CLOSED);
  CHECK(r == NULL);
  CHECK(strlen(imap_last_error(c)) > 0);
  CHECK_CODE(c, imap_login(c, "u", "p", NULL), IMAP_CODE_CLOSED);
  /* Nothing running: the interrupt is kept for the next call; clear disarms it. */
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK);
  CHECK(imap_interrupt_clear(c) == 1);
  CHECK(imap_interrupt_clear(c) == 0);
  CHECK_CODE(c, imap_wake(c), IMAP_CODE_OK);
  CHECK_CODE(c, imap_shutdown(c), IMAP_CODE_OK);

  CHECK_CODE(c, imap_set_timeouts(c, 0, 1000), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_timeouts(c, 1000, 0), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_timeouts(c, 2000, 2000), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_call_timeout(c, 0, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_call_timeout(c, 120000, 1024), IMAP_CODE_OK);
  {
    uint64_t v = 7;
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_LINE, &v), IMAP_CODE_OK);
    CHECK(v == 1000000);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_LITERAL, &v), IMAP_CODE_OK);
    CHECK(v == 64u << 20);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_RESPONSE, &v), IMAP_CODE_OK);
    CHECK(v == 96u << 20);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_UNTAGGED, &v), IMAP_CODE_OK);
    CHECK(v == 96u << 20);
    CHECK_CODE(c, imap_set_limit(c, IMAP_LIMIT_UNTAGGED, 5000000), IMAP_CODE_OK);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_UNTAGGED, &v), IMAP_CODE_OK);
    CHECK(v == 5000000);
    CHECK_CODE(c, imap_set_limit(c, IMAP_LIMIT_LINE, 0), IMAP_CODE_INVALID_ARGUMENT);
    CHECK(strstr(imap_last_error(c), "IMAP_LIMIT_LINE") != NULL);
    CHECK_CODE(c, imap_set_limit(c, (imap_limit)4, 10), IMAP_CODE_INVALID_ARGUMENT);
    CHECK(strstr(imap_last_error(c), "imap_limit 4") != NULL);
    CHECK_CODE(c, imap_set_limit(c, (imap_limit)-1, 10), IMAP_CODE_INVALID_ARGUMENT);
    CHECK_CODE(c, imap_get_limit(c, (imap_limit)4, &v), IMAP_CODE_INVALID_ARGUMENT);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_LINE, NULL), IMAP_CODE_INVALID_ARGUMENT);
    CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_LINE, &v), IMAP_CODE_OK);
    CHECK(v == 1000000); /* the refused values changed nothing */
    CHECK(strcmp(imap_limit_name(IMAP_LIMIT_LINE), "IMAP_LIMIT_LINE") == 0);
    CHECK(strcmp(imap_limit_name(IMAP_LIMIT_LITERAL), "IMAP_LIMIT_LITERAL") == 0);
    CHECK(strcmp(imap_limit_name(IMAP_LIMIT_RESPONSE), "IMAP_LIMIT_RESPONSE") == 0);
    CHECK(strcmp(imap_limit_name(IMAP_LIMIT_UNTAGGED), "IMAP_LIMIT_UNTAGGED") == 0);
    CHECK(strcmp(imap_limit_name(4), "IMAP_LIMIT_UNKNOWN") == 0);
  }
  CHECK_CODE(c, imap_set_tls_verify(c, 1), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_ca_file(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_client_cert(c, "cert.pem", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_client_cert(c, NULL, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_debug(c, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_log_callback(c, NULL, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, "127.0.0.1", 1, 7), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "TLS mode") != NULL);
  /* port 1 on loopback: nothing listens there */
  CHECK_CODE(c, imap_open(c, "127.0.0.1", 1, IMAP_TLS_MODE_NONE), IMAP_CODE_CONNECT);
  CHECK(strlen(imap_last_error(c)) > 0);
  CHECK_CODE(c, imap_open(c, "\xff", 1, IMAP_TLS_MODE_NONE), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "UTF-8") != NULL);
  imap_client_free(c);
}

int main(void) {
  test_code_names();
  test_null_handles();
  test_unopened_client();
  return test_finish("test_codes");
}
