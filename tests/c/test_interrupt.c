/* Cancellation: imap_interrupt from another pthread ends a blocked call promptly with
 * IMAP_CODE_INTERRUPTED and closes the connection; an interrupt issued before the call ends
 * that call at once (sticky), imap_interrupt_clear disarms it; an interrupt ends a connect.
 * imap_wake ends an imap_idle_wait without closing anything, also when issued before it. */
#define _GNU_SOURCE
#include "common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct interrupter {
  imap_client *client;
  int32_t code;
  double fired_at;
  int32_t state_seen;   /* imap_client_state read while the call was blocked */
  double state_took_ms; /* how long that read took */
  int wake;             /* imap_wake instead of imap_interrupt */
};

static void *interrupt_soon(void *arg) {
  struct interrupter *in = arg;
  sleep_ms(200);
  {
    /* Accessors never wait for the blocked call. */
    double t0 = now_ms();
    char *caps = imap_client_capabilities(in->client);
    in->state_seen = imap_client_state(in->client);
    in->state_took_ms = now_ms() - t0;
    imap_string_free(caps);
  }
  in->fired_at = now_ms();
  in->code = in->wake ? imap_wake(in->client) : imap_interrupt(in->client);
  return NULL;
}

/* An interrupt during a call (the fake server never answers; the I/O timeout is 30 s). */
static void test_interrupt_running(void) {
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  struct interrupter in = {NULL, -1, 0, -1, 0, 0};
  pthread_t t;
  double t0;

  fake_server_start(&s, NULL); /* greets, then stays silent */
  c = fake_server_client(&s);
  in.client = c;
  CHECK(pthread_create(&t, NULL, interrupt_soon, &in) == 0);
  t0 = now_ms();
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_INTERRUPTED);
  CHECK(now_ms() - t0 < 5000);
  pthread_join(t, NULL);
  CHECK_CODE(c, in.code, IMAP_CODE_OK);
  CHECK(now_ms() - in.fired_at < 2000); /* returned soon after the interrupt */
  CHECK(in.state_seen == IMAP_STATE_NONAUTH);
  CHECK(in.state_took_ms < 1000);
  CHECK(strlen(imap_last_error(c)) > 0);
  CHECK(imap_client_is_open(c) == 0);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED); /* consumed by the call it ended */
  CHECK(imap_interrupt_clear(c) == 0);
  imap_client_free(c); /* the fake server sees EOF and ends */
  fake_server_join(&s);
}

/* Connects to the fake server and hangs up, so that a server no client reached ends. */
static void release_fake_server(fake_server *s) {
  struct sockaddr_in a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(s->port);
  CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
  close(fd);
  fake_server_join(s);
}

struct noop_call {
  imap_client *client;
  int32_t code;
  double took_ms;
};

static void *noop_thread(void *arg) {
  struct noop_call *n = arg;
  double t0 = now_ms();
  n->code = imap_noop(n->client, NULL);
  n->took_ms = now_ms() - t0;
  return NULL;
}

/* Several calls waiting on one handle at once (their waits do not hold the handle): one
 * interrupt ends them all, and is consumed by them. */
static void test_interrupt_all_running(void) {
  fake_server s;
  imap_client *c;
  struct noop_call calls[3];
  pthread_t t[3];
  int i;
  double fired_at;

  fake_server_start(&s, NULL); /* never answers */
  c = fake_server_client(&s);
  for (i = 0; i < 3; i++) {
    calls[i].client = c;
    calls[i].code = -1;
    CHECK(pthread_create(&t[i], NULL, noop_thread, &calls[i]) == 0);
  }
  sleep_ms(300);
  fired_at = now_ms();
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK);
  for (i = 0; i < 3; i++) {
    pthread_join(t[i], NULL);
    CHECK_CODE(c, calls[i].code, IMAP_CODE_INTERRUPTED);
    CHECK(calls[i].took_ms < 5000); /* the I/O timeout is 30 s */
  }
  CHECK(now_ms() - fired_at < 2000);
  CHECK(imap_client_is_open(c) == 0);
  CHECK(imap_interrupt_clear(c) == 0);                 /* consumed */
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED); /* not interrupted again */
  imap_client_free(c);
  fake_server_join(&s);
}

/* An interrupt issued before the call ends that call at once, once. */
static void test_interrupt_before(void) {
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  double t0;

  fake_server_start(&s, NULL);
  c = fake_server_client(&s);
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK); /* nothing running: armed */
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK); /* still one interrupt */
  CHECK(imap_client_is_open(c) == 1);
  t0 = now_ms();
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_INTERRUPTED); /* no waiting for the I/O timeout */
  CHECK(now_ms() - t0 < 2000);
  CHECK(r == NULL);
  CHECK(strstr(imap_last_error(c), "interrupted") != NULL);
  CHECK(imap_client_is_open(c) == 0);
  CHECK(imap_interrupt_clear(c) == 0);                 /* consumed */
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED); /* not interrupted again */
  imap_client_free(c);
  fake_server_join(&s);

  /* Armed before imap_open: the open ends at once. */
  fake_server_start(&s, NULL);
  c = test_client();
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK);
  t0 = now_ms();
  CHECK_CODE(c, imap_open(c, "127.0.0.1", s.port, IMAP_TLS_MODE_NONE), IMAP_CODE_INTERRUPTED);
  CHECK(now_ms() - t0 < 2000);
  CHECK(imap_client_is_open(c) == 0);
  imap_client_free(c);
  release_fake_server(&s); /* the open never connected */
}

/* imap_interrupt_clear disarms an interrupt no call has consumed: the call runs normally. */
static void test_interrupt_clear(void) {
  imap_client *c = test_login(1);
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_OK);
  CHECK(imap_interrupt_clear(c) == 1);
  CHECK(imap_interrupt_clear(c) == 0);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_is_open(c) == 1);
  test_logout(c);
}

/* A listener that never accepts, with its backlog filled, so that a connect to it stays in
 * progress (the kernel drops the SYNs); `fillers` keep the backlog full. */
static int stuck_listener(uint16_t *port, int fillers[4]) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int i, fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
  CHECK(listen(fd, 0) == 0);
  CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
  *port = ntohs(a.sin_port);
  for (i = 0; i < 4; i++) {
    fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fillers[i], (struct sockaddr *)&a, sizeof a);
  }
  sleep_ms(50);
  return fd;
}

/* An interrupt ends imap_open while it connects (or waits for the greeting). */
static void test_interrupt_connect(void) {
  uint16_t port;
  int fillers[4], i;
  int fd = stuck_listener(&port, fillers);
  imap_client *c = test_client();
  struct interrupter in = {NULL, -1, 0, -1, 0, 0};
  pthread_t t;
  double t0;
  in.client = c;
  CHECK(pthread_create(&t, NULL, interrupt_soon, &in) == 0);
  t0 = now_ms();
  CHECK_CODE(c, imap_open(c, "127.0.0.1", port, IMAP_TLS_MODE_NONE), IMAP_CODE_INTERRUPTED);
  CHECK(now_ms() - t0 < 5000); /* the connect timeout is 20 s */
  pthread_join(t, NULL);
  CHECK(now_ms() - in.fired_at < 2000);
  CHECK(imap_client_is_open(c) == 0);
  CHECK(imap_interrupt_clear(c) == 0);
  imap_client_free(c);
  for (i = 0; i < 4; i++)
    close(fillers[i]);
  close(fd);
}

/* imap_wake: ends a running idle_wait at once without closing; a wake before idle_wait makes
 * it return at once; a wake is consumed by one idle_wait; IDLE goes on and still delivers. */
static void test_wake(void) {
  char mbox[96];
  const char msg[] = "Subject: wake\r\n\r\nwake\r\n";
  imap_client *c = test_login(2), *other = test_login(2);
  imap_result *r = NULL;
  struct interrupter in = {NULL, -1, 0, -1, 0, 1};
  pthread_t t;
  double t0;
  test_mailbox_name(mbox, sizeof mbox, "wake");
  CHECK_CODE(c, imap_create(c, mbox, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_select(c, mbox, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_idle_start(c, NULL), IMAP_CODE_OK);

  /* From another thread, during the wait. */
  in.client = c;
  CHECK(pthread_create(&t, NULL, interrupt_soon, &in) == 0);
  t0 = now_ms();
  CHECK_CODE(c, imap_idle_wait(c, 30000, &r), IMAP_CODE_OK);
  CHECK(r == NULL);
  CHECK(now_ms() - t0 < 5000);
  pthread_join(t, NULL);
  CHECK_CODE(c, in.code, IMAP_CODE_OK);
  CHECK(now_ms() - in.fired_at < 2000);
  CHECK(in.state_seen == IMAP_STATE_IDLING);
  CHECK(imap_client_is_open(c) == 1);
  CHECK(imap_client_state(c) == IMAP_STATE_IDLING);

  /* Before the wait: the next idle_wait returns at once, and only that one. */
  CHECK_CODE(c, imap_wake(c), IMAP_CODE_OK);
  CHECK_CODE(c, imap_wake(c), IMAP_CODE_OK);
  t0 = now_ms();
  CHECK_CODE(c, imap_idle_wait(c, 30000, &r), IMAP_CODE_OK);
  CHECK(r == NULL);
  CHECK(now_ms() - t0 < 2000);
  t0 = now_ms();
  CHECK_CODE(c, imap_idle_wait(c, 300, &r), IMAP_CODE_OK); /* consumed: waits its timeout */
  CHECK(r == NULL);
  CHECK(now_ms() - t0 >= 250);

  /* IDLE went on: another connection's APPEND still arrives. */
  CHECK_CODE(other, imap_append(other, mbox, NULL, NULL, (const uint8_t *)msg, strlen(msg), NULL),
             IMAP_CODE_OK);
  r = idle_update(c, "EXISTS", 10000);
  CHECK(r != NULL);
  result_done(&r);
  CHECK_CODE(c, imap_idle_done(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_SELECTED);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, mbox, NULL), IMAP_CODE_OK);
  test_logout(other);
  test_logout(c);
}

int main(void) {
  test_interrupt_running();
  test_interrupt_all_running();
  test_interrupt_before();
  test_interrupt_clear();
  test_interrupt_connect();
  test_wake();
  return test_finish("test_interrupt");
}
