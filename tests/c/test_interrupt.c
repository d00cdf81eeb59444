/* imap_interrupt from another pthread ends a blocked call promptly with
 * IMAP_CODE_INTERRUPTED (the fake server never answers); the connection is closed after. */
#include "common.h"

#include <string.h>

struct interrupter {
  imap_client *client;
  int32_t code;
  double fired_at;
  int32_t state_seen;   /* imap_client_state read while the call was blocked */
  double state_took_ms; /* how long that read took */
};

/* Retries until a call is in progress (ILLEGAL_STATE before it starts), for up to 10 s. */
static void *interrupt_soon(void *arg) {
  struct interrupter *in = arg;
  int i;
  sleep_ms(100);
  {
    /* Accessors never wait for the blocked call. */
    double t0 = now_ms();
    char *caps = imap_client_capabilities(in->client);
    in->state_seen = imap_client_state(in->client);
    in->state_took_ms = now_ms() - t0;
    imap_string_free(caps);
  }
  for (i = 0; i < 200; i++) {
    in->code = imap_interrupt(in->client);
    if (in->code != IMAP_CODE_ILLEGAL_STATE)
      break;
    sleep_ms(50);
  }
  in->fired_at = now_ms();
  return NULL;
}

static void test_interrupt(void) {
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  struct interrupter in = {NULL, -1, 0, -1, 0};
  pthread_t t;
  double t0;

  fake_server_start(&s, NULL); /* greets, then stays silent */
  c = fake_server_client(&s);
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_ILLEGAL_STATE); /* nothing running */
  in.client = c;
  CHECK(pthread_create(&t, NULL, interrupt_soon, &in) == 0);
  t0 = now_ms();
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_INTERRUPTED); /* I/O timeout is 30 s */
  CHECK(now_ms() - t0 < 5000);
  pthread_join(t, NULL);
  CHECK_CODE(c, in.code, IMAP_CODE_OK);
  CHECK(now_ms() - in.fired_at < 2000); /* returned soon after the interrupt */
  CHECK(in.state_seen == IMAP_STATE_NONAUTH);
  CHECK(in.state_took_ms < 1000);
  CHECK(strlen(imap_last_error(c)) > 0);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED);
  CHECK_CODE(c, imap_interrupt(c), IMAP_CODE_ILLEGAL_STATE);
  imap_client_free(c); /* the fake server sees EOF and ends */
  fake_server_join(&s);
}

int main(void) {
  test_interrupt();
  return test_finish("test_interrupt");
}
