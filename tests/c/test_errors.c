/* Failures that leave the connection usable: a wrong password (NO), a BAD, NULL pointers,
 * CR/LF injection, invalid UTF-8; and the trace callback, which never sees the password.
 * Broken pipes (a child that closed its stdin, a stderr without a reader) are errors, never a
 * SIGPIPE that ends the program: SIGPIPE is at its default (fatal) disposition here. */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SECRET "Wr0ng-Secret-7"

static void test_wrong_password(imap_client *c) {
  imap_result *r = NULL;
  CHECK_CODE(c, imap_login(c, "user3", SECRET, &r), IMAP_CODE_NO);
  CHECK(strcmp(imap_result_type(r), "NO") == 0 && strcmp(imap_result_status(r), "NO") == 0);
  CHECK(result_code_is(r, "AUTHENTICATIONFAILED"));
  CHECK(strncmp(imap_last_error(c), "NO: ", 4) == 0);
  CHECK(strstr(imap_last_error(c), SECRET) == NULL);
  CHECK(imap_client_state(c) == IMAP_STATE_NONAUTH);
  result_done(&r);
  CHECK_CODE(c, imap_login(c, "user3", "pass3", NULL), IMAP_CODE_OK);
}

static void test_bad(imap_client *c) {
  imap_result *r = NULL;
  size_t len = 0;
  CHECK_CODE(c, imap_select(c, "INBOX", 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_xatom(c, "FETCH", NULL, 0, &r), IMAP_CODE_BAD); /* no arguments */
  CHECK(r && strcmp(imap_result_status(r), "BAD") == 0);
  CHECK(imap_result_text(r, &len) != NULL && len > 0);
  CHECK(strlen(imap_last_error(c)) > 0);
  result_done(&r);
  CHECK_CODE(c, imap_fetch(c, "1", "(NO-SUCH-ITEM)", &r), IMAP_CODE_BAD);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK); /* still usable */
}

/* A NULL for each pointer parameter (out may be NULL: it only means "no result"). */
static void test_null_arguments(imap_client *c) {
  static const char *crit[] = {"ALL", NULL};
  imap_result *r = NULL;
  const uint8_t msg[] = "Subject: x\r\n\r\nx\r\n";
  CHECK_CODE(c, imap_login(NULL, "u", "p", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_login(c, NULL, "p", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(r == NULL && strstr(imap_last_error(c), "user") != NULL);
  CHECK_CODE(c, imap_login(c, "u", NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_fetch(NULL, "1", "FLAGS", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_fetch(c, NULL, "FLAGS", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_fetch(c, "1", NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search(c, NULL, crit, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_search(NULL, NULL, crit, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search(c, NULL, NULL, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search(c, NULL, crit, 2, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "criteria[1]") != NULL);
  CHECK_CODE(c, imap_uid(c, NULL, crit, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_uid(c, "SEARCH", NULL, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_status(c, NULL, "(MESSAGES)", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_status(c, "INBOX", NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_rename(c, NULL, "x", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_rename(c, "x", NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_append(NULL, "INBOX", NULL, NULL, msg, sizeof msg - 1, &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_append(c, "INBOX", NULL, NULL, NULL, 10, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_response(c, NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_xatom(c, NULL, NULL, 0, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_log_callback(c, NULL, NULL), IMAP_CODE_OK);
  CHECK(imap_client_has_capability(c, NULL) == 0);
  CHECK(r == NULL);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
}

/* Nothing reaches the wire: the connection stays in sync and the mailbox is untouched. */
static void test_injection(imap_client *c) {
  static const char *crit[] = {"ALL\r\nX LOGOUT"};
  static const char *args[] = {"1", "FLAGS\nX LOGOUT"};
  imap_result *r = NULL;
  CHECK_CODE(c, imap_select(c, "INBOX\r\nX DELETE y", 0, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(r == NULL && strstr(imap_last_error(c), "CR") != NULL);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_create(c, "a\nb", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_create(c, "a\rb", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search(c, NULL, crit, 1, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_uid(c, "FETCH", args, 2, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_store(c, "1", "+FLAGS", "(\\Seen)\r\nX LOGOUT", NULL),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_xatom(c, "NOOP\r\nX", NULL, 0, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_status(r), "OK") == 0);
  result_done(&r);
  CHECK(imap_client_state(c) == IMAP_STATE_SELECTED);

  CHECK_CODE(c, imap_create(c, "\xff\xfe", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "UTF-8") != NULL);
  CHECK_CODE(c, imap_fetch(c, "1", "(FLAGS \xc3)", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
}

/* ---- trace ------------------------------------------------------------------------------ */

struct trace_log {
  int lines, login_lines, leaks, bad_levels;
  int32_t max_level;
};

static void on_trace(void *user_data, imap_log_level level, const char *message) {
  struct trace_log *log = user_data;
  log->lines++;
  if (level < IMAP_LOG_ERROR || level > IMAP_LOG_TRACE)
    log->bad_levels++;
  if (level > log->max_level)
    log->max_level = level;
  if (strstr(message, "LOGIN"))
    log->login_lines++;
  if (strstr(message, "pass3") || strstr(message, SECRET)) {
    log->leaks++;
    fprintf(stderr, "password in trace: %s\n", message);
  }
}

static void test_trace(void) {
  struct trace_log log = {0, 0, 0, 0, 0};
  imap_client *c = test_client();
  CHECK_CODE(c, imap_set_debug(c, 5), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_log_callback(c, on_trace, &log), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                          IMAP_TLS_MODE_NONE),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_login(c, "user3", SECRET, NULL), IMAP_CODE_NO);
  CHECK(strstr(imap_last_error(c), SECRET) == NULL);
  CHECK_CODE(c, imap_login(c, "user3", "pass3", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  CHECK(log.lines > 5 && log.login_lines >= 2 && log.max_level >= IMAP_LOG_DEBUG);
  CHECK(log.leaks == 0 && log.bad_levels == 0);
  imap_client_free(c);
}

/* imap_set_debug(1): only IMAP_LOG_ERROR messages reach the callback; level names. */
static void test_log_levels(void) {
  struct trace_log log = {0, 0, 0, 0, 0};
  imap_client *c = test_client();
  CHECK_CODE(c, imap_set_debug(c, 1), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_log_callback(c, on_trace, &log), IMAP_CODE_OK);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                          IMAP_TLS_MODE_NONE),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_login(c, "user3", SECRET, NULL), IMAP_CODE_NO);
  CHECK(log.lines >= 2 && log.max_level == IMAP_LOG_ERROR && log.bad_levels == 0);
  CHECK(log.leaks == 0);
  CHECK_CODE(c, imap_set_log_callback(c, NULL, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_debug(c, 0), IMAP_CODE_OK);
  log.lines = 0;
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  CHECK(log.lines == 0);
  imap_client_free(c);

  CHECK(strcmp(imap_log_level_name(IMAP_LOG_ERROR), "IMAP_LOG_ERROR") == 0);
  CHECK(strcmp(imap_log_level_name(IMAP_LOG_WARN), "IMAP_LOG_WARN") == 0);
  CHECK(strcmp(imap_log_level_name(IMAP_LOG_INFO), "IMAP_LOG_INFO") == 0);
  CHECK(strcmp(imap_log_level_name(IMAP_LOG_DEBUG), "IMAP_LOG_DEBUG") == 0);
  CHECK(strcmp(imap_log_level_name(IMAP_LOG_TRACE), "IMAP_LOG_TRACE") == 0);
  CHECK(strcmp(imap_log_level_name(0), "IMAP_LOG_UNKNOWN") == 0);
  CHECK(strcmp(imap_log_level_name(6), "IMAP_LOG_UNKNOWN") == 0);
}

/* A limit set with imap_set_limit applies: Dovecot's CAPABILITY line is longer than 64 bytes. */
static void test_limit_applies(void) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  imap_result *r = NULL;
  uint64_t v = 0;
  CHECK_CODE(c, imap_set_limit(c, IMAP_LIMIT_LINE, 64), IMAP_CODE_OK);
  CHECK_CODE(c, imap_get_limit(c, IMAP_LIMIT_LINE, &v), IMAP_CODE_OK);
  CHECK(v == 64);
  CHECK_CODE(c, imap_capability(c, &r), IMAP_CODE_LIMIT);
  CHECK(r == NULL);
  CHECK(imap_client_is_open(c) == 0);
  imap_client_free(c);
}

/* Why the connection closed, readable from any thread, after the failure that closed it. */
static void test_close_reason(void) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  imap_result *r = NULL;
  char *reason = NULL;
  CHECK_CODE(c, imap_client_close_reason(c, &reason), IMAP_CODE_OK);
  CHECK(reason != NULL && strcmp(reason, "") == 0);
  imap_string_free(reason);
  CHECK_CODE(c, imap_set_limit(c, IMAP_LIMIT_LINE, 16), IMAP_CODE_OK);
  CHECK_CODE(c, imap_capability(c, &r), IMAP_CODE_LIMIT);
  CHECK(r == NULL);
  CHECK_CODE(c, imap_client_close_reason(c, &reason), IMAP_CODE_OK);
  CHECK(reason != NULL && strlen(reason) > 0 && strcmp(reason, imap_last_error(c)) == 0);
  imap_string_free(reason);
  CHECK_CODE(c, imap_client_close_reason(NULL, &reason), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_client_close_reason(c, NULL), IMAP_CODE_INVALID_ARGUMENT);
  imap_client_free(c);
}

/* A scripted child: greets, reads the CAPABILITY that opening sends and answers it (ANSWER);
 * `exec 0<&-` closes its stdin, before or after the answer. */
#define GREET_AND_ANSWER                                                                      \
  "printf '* PREAUTH [CAPABILITY IMAP4rev1] hi\\r\\n'; read t r; "
#define ANSWER "printf '* CAPABILITY IMAP4rev1\\r\\n%s OK done\\r\\n' \"$t\"; "

/* imap_open_stream's child closed its stdin: the next command fails with IMAP_CODE_ABORT and
 * "Broken pipe" (then IMAP_CODE_CLOSED); the default trace on a stderr nobody reads loses its lines. Either would
 * end this program with SIGPIPE if the library wrote to a pipe unguarded. */
static void test_broken_pipes(void) {
  imap_client *c = test_client();
  int saved_stderr, p[2];
  imap_code opened, nooped;
  CHECK_CODE(c, imap_open_stream(c, GREET_AND_ANSWER "exec 0<&-; " ANSWER),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_ABORT); /* the command that met the hang-up */
  CHECK(strstr(imap_last_error(c), "Broken pipe") != NULL);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED);

  /* No CHECK while stderr is the broken pipe: a failure message would raise SIGPIPE itself. */
  saved_stderr = dup(2);
  CHECK(saved_stderr >= 0 && pipe(p) == 0);
  close(p[0]);
  dup2(p[1], 2);
  close(p[1]);
  imap_set_debug(c, 5); /* no callback: the lines go to stderr */
  opened = imap_open_stream(c, GREET_AND_ANSWER ANSWER "exec 0<&-");
  nooped = imap_noop(c, NULL);
  imap_set_debug(c, 0);
  dup2(saved_stderr, 2);
  close(saved_stderr);
  CHECK(opened == IMAP_CODE_OK);
  CHECK(nooped == IMAP_CODE_ABORT);
  imap_client_free(c);
}

int main(void) {
  imap_client *c;
  signal(SIGPIPE, SIG_DFL);
  test_broken_pipes();
  c = test_connect(IMAP_TLS_MODE_NONE);
  test_wrong_password(c);
  test_bad(c);
  test_null_arguments(c);
  test_injection(c);
  test_logout(c);
  test_trace();
  test_log_levels();
  test_limit_applies();
  test_close_reason();
  return test_finish("test_errors");
}
