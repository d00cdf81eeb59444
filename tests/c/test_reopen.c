/* One handle, many connections: after LOGOUT, and after a failure (a refused connect, a server
 * that breaks the protocol), imap_open starts from a clean state and works like on a new
 * handle. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void open_dovecot(imap_client *c, int32_t tls_mode) {
  const char *port = tls_mode == IMAP_TLS_MODE_IMPLICIT ? "DOVECOT_IMAPS_PORT" : "DOVECOT_IMAP_PORT";
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port(port), tls_mode), IMAP_CODE_OK);
}

/* The handle is freshly connected to Dovecot: NONAUTH, Dovecot's greeting and capabilities,
 * nothing left of an earlier connection; NOOP works. */
static void check_fresh(imap_client *c) {
  imap_result *r = NULL;
  char *welcome = imap_client_welcome(c);
  CHECK(imap_client_is_open(c) == 1);
  CHECK(imap_client_state(c) == IMAP_STATE_NONAUTH);
  CHECK(imap_client_is_readonly(c) == 0);
  CHECK(imap_client_has_capability(c, "IMAP4rev1") == 1);
  CHECK(welcome != NULL && strncmp(welcome, "* OK ", 5) == 0);
  imap_string_free(welcome);
  /* mailbox data of the earlier session is gone */
  CHECK_CODE(c, imap_response(c, "EXISTS", &r), IMAP_CODE_OK);
  CHECK(r != NULL && imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  result_done(&r);
}

static void test_open_logout_open(void) {
  imap_client *c = test_client();
  imap_result *r = NULL;
  int round;
  int32_t modes[3] = {IMAP_TLS_MODE_NONE, IMAP_TLS_MODE_IMPLICIT, IMAP_TLS_MODE_STARTTLS};
  for (round = 0; round < 3; round++) {
    open_dovecot(c, modes[round]);
    check_fresh(c);
    CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
    CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
    result_done(&r);
    CHECK(imap_client_is_readonly(c) == 1);
    CHECK_CODE(c, imap_logout(c, &r), IMAP_CODE_OK);
    result_done(&r);
    CHECK(imap_client_is_open(c) == 0);
    CHECK(imap_client_state(c) == IMAP_STATE_LOGOUT);
  }
  imap_client_free(c);
}

/* A port nobody listens on (bound, then closed). */
static uint16_t dead_port(void) {
  struct sockaddr_in a;
  socklen_t n = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &n) != 0) {
    perror("dead_port");
    exit(2);
  }
  close(fd);
  return ntohs(a.sin_port);
}

static void test_open_failure_open(void) {
  imap_client *c = test_client();
  imap_result *r = NULL;
  fake_server s;

  /* a refused connection */
  CHECK_CODE(c, imap_open(c, "127.0.0.1", dead_port(), IMAP_TLS_MODE_NONE), IMAP_CODE_CONNECT);
  CHECK(imap_client_is_open(c) == 0);
  open_dovecot(c, IMAP_TLS_MODE_NONE);
  check_fresh(c);
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);

  /* a server breaking the protocol mid-session, with bytes left unread behind the garbage */
  fake_server_start(&s, "* OK [ALERT] early\r\ngarbage\r\n* OK [ALERT] left over\r\n");
  CHECK_CODE(c, imap_open(c, "127.0.0.1", s.port, IMAP_TLS_MODE_NONE), IMAP_CODE_OK);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_ABORT);
  result_done(&r);
  CHECK(imap_client_is_open(c) == 0);
  fake_server_join(&s);
  open_dovecot(c, IMAP_TLS_MODE_NONE);
  check_fresh(c);
  CHECK_CODE(c, imap_response(c, "ALERT", &r), IMAP_CODE_OK);
  CHECK(r != NULL && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&r);
  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  imap_client_free(c);
}

int main(void) {
  test_open_logout_open();
  test_open_failure_open();
  return test_finish("reopen");
}
