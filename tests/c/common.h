/*
 * Shared helpers for libimap's C tests: a tiny assertion helper (no framework), the test
 * Dovecot's connection details, client shortcuts, result inspection and a fake server.
 *
 * Connection details come from the environment (DOVECOT_HOST, DOVECOT_IMAP_PORT, ...) or else
 * from the KEY=VALUE file named by IMAP_TEST_ENV (written by the ctest fixture `dovecot_up`).
 */
#ifndef IMAP_CTEST_COMMON_H
#define IMAP_CTEST_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "imap.h"

/* ---- assertions: a failed check is reported and counted; the test goes on --------------- */

void check_at(int ok, const char *file, int line, const char *expr);
/* Checks that `got` (an imap_code) equals `want`; on mismatch prints both names and the
 * client's imap_last_error. Returns whether they matched. */
int check_code_at(imap_client *c, int got, int want, const char *file, int line,
                  const char *expr);
/* Prints the summary; returns the process exit status (0: all checks passed). */
int test_finish(const char *name);

#define CHECK(cond) check_at(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_CODE(client, call, want) \
  check_code_at((client), (call), (want), __FILE__, __LINE__, #call)

/* ---- the test server -------------------------------------------------------------------- */

/* A setting: the environment first, then the fixture's env file; aborts if missing. */
const char *test_env(const char *key);
uint16_t test_port(const char *key);

/* A new client with test timeouts and the test CA trusted. */
imap_client *test_client(void);
/* A client connected to the test Dovecot: IMAP_TLS_MODE_NONE and _STARTTLS use the plain
 * port, _IMPLICIT the IMAPS port. Aborts the test if that fails. */
imap_client *test_connect(int32_t tls_mode);
/* A client connected in plain text and logged in as userN/passN. */
imap_client *test_login(int user_number);
/* LOGOUT and free. */
void test_logout(imap_client *c);

/* "ctest-TAG-PID-N": a mailbox name no other test or suite uses. */
void test_mailbox_name(char *buf, size_t size, const char *tag);

/* ---- results ---------------------------------------------------------------------------- */

/* Item `i`'s data (or literal) as a NUL-terminated copy in a static buffer (truncated). */
const char *item_text(const imap_result *r, size_t i);
const char *item_literal(const imap_result *r, size_t i);
/* 1 if any item's data or literal contains `needle`. */
int result_contains(const imap_result *r, const char *needle);
/* 1 if the item is of `kind` and its data equals `text` exactly. */
int item_is(const imap_result *r, size_t i, int32_t kind, const char *text);
/* 1 if the response code is `code` (NULL: none). */
int result_code_is(const imap_result *r, const char *code);
/* The response code data as a NUL-terminated copy in a static buffer. */
const char *result_code_data(const imap_result *r);
/* imap_result_free(*r) and *r = NULL. */
void result_done(imap_result **r);
/* imap_idle_wait until an update of type `type` comes (NULL if none within `ms`), passing
 * over the status responses a server may send while idling at any time (`* OK Still here`). */
imap_result *idle_update(imap_client *c, const char *type, int ms);

/* ---- a fake server on 127.0.0.1, in a thread, for one connection ------------------------ */

typedef struct fake_server {
  int listen_fd;
  uint16_t port;
  /* Sent in answer to the first command other than CAPABILITY, then the connection is closed;
   * "$TAG" in it is replaced by that command's tag. NULL: never answer; wait until the client
   * hangs up. */
  const char *reply;
  /* The greeting; NULL: an OK greeting with IMAP4rev1 in its CAPABILITY code. */
  const char *greeting;
  pthread_t thread;
} fake_server;

void fake_server_start(fake_server *s, const char *reply);
/* The same with another greeting ("* PREAUTH ...\r\n" to start authenticated: mailbox data
 * received before login is dropped). */
void fake_server_start_greeting(fake_server *s, const char *greeting, const char *reply);
void fake_server_join(fake_server *s);
/* A client connected (plain) to the fake server. */
imap_client *fake_server_client(fake_server *s);

/* Milliseconds from a monotonic clock; sleeping. */
double now_ms(void);
void sleep_ms(long ms);

#endif /* IMAP_CTEST_COMMON_H */
