/* Transfers both ways: imap_append_stream (a message read while it is sent, in constant
 * memory) and imap_set_progress_callback (bytes done and total for uploads and downloads),
 * against the test Dovecot; a read callback that fails half-way, a refused APPEND that never
 * reads, and bad arguments. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* 20 MiB; 2 MiB under valgrind or ASan (which also change what RSS means) */
static uint64_t BIG = 20u * 1024u * 1024u;

static int under_tool(void) {
  const char *pre = getenv("LD_PRELOAD");
#if defined(__SANITIZE_ADDRESS__)
  return 1;
#else
  return pre && strstr(pre, "vgpreload") != NULL;
#endif
}

/* A generated message of `size` bytes with CRLF line ends: headers, then lines of a pattern
 * that depends on the offset, so that a byte out of place changes the checksum. */
typedef struct source {
  uint64_t size, pos, fail_at; /* fail_at: -1 at this offset (0: never) */
  int calls;
} source;

static uint8_t byte_at(uint64_t i) {
  static const char head[] = "From: transfer@example.com\r\nSubject: streamed\r\n\r\n";
  if (i < sizeof head - 1) return (uint8_t)head[i];
  i -= sizeof head - 1;
  if (i % 64 == 62) return '\r';
  if (i % 64 == 63) return '\n';
  return (uint8_t)('a' + (i / 64 + i) % 26);
}

static int64_t read_source(void *user_data, uint8_t *buf, size_t len) {
  source *s = user_data;
  size_t n = 0;
  s->calls++;
  if (s->fail_at && s->pos >= s->fail_at) return -1;
  while (n < len && s->pos < s->size) buf[n++] = byte_at(s->pos++);
  return (int64_t)n;
}

typedef struct progress {
  uint64_t up_done, up_total, down_done, down_total;
  int up_calls, down_calls, backwards;
} progress;

static void on_progress(void *user_data, imap_transfer way, uint64_t done, uint64_t total) {
  progress *p = user_data;
  uint64_t *d = way == IMAP_TRANSFER_UPLOAD ? &p->up_done : &p->down_done;
  uint64_t *t = way == IMAP_TRANSFER_UPLOAD ? &p->up_total : &p->down_total;
  if (total == *t && done < *d) p->backwards++;
  if (done > total) p->backwards++;
  *d = done;
  *t = total;
  if (way == IMAP_TRANSFER_UPLOAD) p->up_calls++;
  else p->down_calls++;
}

typedef struct digest {
  uint64_t bytes, sum, size;
} digest;

static int on_literal(void *user_data, const uint8_t *line, size_t line_len, uint64_t size,
                      uint64_t offset, const uint8_t *chunk, size_t chunk_len) {
  digest *d = user_data;
  size_t i;
  (void)line;
  (void)line_len;
  d->size = size;
  for (i = 0; i < chunk_len; i++) d->sum += (uint64_t)chunk[i] * ((offset + i) % 251 + 1);
  d->bytes += chunk_len;
  return 0;
}

static long vm_kib(const char *key) {
  char line[256];
  long v = -1;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, strlen(key)) == 0) v = atol(line + strlen(key));
  fclose(f);
  return v;
}

static size_t count_messages(imap_client *c, const char *mbox) {
  imap_result *r = NULL;
  size_t n = 0;
  if (CHECK_CODE(c, imap_status(c, mbox, "(MESSAGES)", &r), IMAP_CODE_OK)) {
    const char *t = strstr(item_text(r, 0), "MESSAGES ");
    n = t ? (size_t)atol(t + 9) : 0;
  }
  result_done(&r);
  return n;
}

int main(void) {
  char mbox[96];
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  progress p;
  source src;
  digest d;
  uint64_t want = 0, i;
  long hwm_before, hwm_after;
  FILE *f;
  const char *flags[] = {"\\Seen"};

  if (under_tool()) BIG = 2u * 1024u * 1024u;
  test_mailbox_name(mbox, sizeof mbox, "transfer");
  CHECK_CODE(c, imap_create(c, mbox, &r), IMAP_CODE_OK);
  result_done(&r);

  /* 1. a 20 MiB message, streamed up in constant memory, with upload progress */
  memset(&p, 0, sizeof p);
  memset(&src, 0, sizeof src);
  src.size = BIG;
  CHECK_CODE(c, imap_set_progress_callback(c, on_progress, &p), IMAP_CODE_OK);
  f = fopen("/proc/self/clear_refs", "w");
  if (f) {
    fputs("5", f);
    fclose(f);
  }
  hwm_before = vm_kib("VmRSS:");
  CHECK_CODE(c, imap_append_stream(c, mbox, flags, 1, NULL, BIG, read_source, &src, &r),
             IMAP_CODE_OK);
  hwm_after = vm_kib("VmHWM:");
  CHECK(r && strcmp(imap_result_type(r), "OK") == 0);
  result_done(&r);
  CHECK(src.pos == BIG);
  CHECK(p.up_done == BIG && p.up_total == BIG && p.backwards == 0);
  CHECK(p.up_calls >= (int)(BIG / (64 * 1024)));
  /* constant memory: the message never sat in the process (ASan and valgrind change RSS) */
  if (!under_tool() && hwm_before > 0 && hwm_after > 0)
    CHECK(hwm_after - hwm_before < 8 * 1024);
  CHECK(count_messages(c, mbox) == 1);

  /* 2. read back: the server holds exactly those bytes; download progress reaches the size */
  for (i = 0; i < BIG; i++) want += (uint64_t)byte_at(i) * (i % 251 + 1);
  memset(&d, 0, sizeof d);
  memset(&p, 0, sizeof p);
  CHECK_CODE(c, imap_select(c, mbox, 1, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_set_literal_callback(c, on_literal, &d, 4096), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "1", "(BODY.PEEK[])", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK(d.bytes == BIG && d.size == BIG && d.sum == want);
  CHECK(p.down_done == BIG && p.down_total == BIG && p.backwards == 0 && p.up_calls == 0);
  CHECK(p.down_calls >= 2);
  CHECK_CODE(c, imap_set_literal_callback(c, NULL, NULL, 0), IMAP_CODE_OK);
  /* a buffered download reports too */
  memset(&p, 0, sizeof p);
  CHECK_CODE(c, imap_fetch(c, "1", "(BODY.PEEK[HEADER])", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK(p.down_total > 0 && p.down_done == p.down_total);
  CHECK_CODE(c, imap_unselect(c, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_set_progress_callback(c, NULL, NULL), IMAP_CODE_OK);

  /* 3. refused before the message is asked for: the source is never read */
  memset(&src, 0, sizeof src);
  src.size = 100;
  CHECK_CODE(c, imap_append_stream(c, "no-such-mailbox-transfer", NULL, 0, NULL, 100,
                                   read_source, &src, &r),
             IMAP_CODE_NO);
  CHECK(r && strcmp(imap_result_type(r), "NO") == 0 && result_code_is(r, "TRYCREATE"));
  result_done(&r);
  CHECK(src.calls == 0);
  /* the same with a message in memory: the NO is the answer at once (it used to wait for a
   * continuation that never came, until the timeout closed the connection) */
  {
    double t0 = now_ms();
    CHECK_CODE(c, imap_append(c, "no-such-mailbox-transfer", NULL, NULL,
                              (const uint8_t *)"a\r\n", 3, &r),
               IMAP_CODE_NO);
    CHECK(r && result_code_is(r, "TRYCREATE"));
    result_done(&r);
    CHECK(now_ms() - t0 < 10000);
    CHECK(imap_client_is_open(c) == 1);
  }

  /* 4. bad arguments: nothing is sent */
  CHECK_CODE(c, imap_append_stream(c, mbox, NULL, 0, NULL, 10, NULL, NULL, &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "read") != NULL);
  {
    const char *bad[] = {"\\Seen\r\nX"};
    CHECK_CODE(c, imap_append_stream(c, mbox, bad, 1, NULL, 10, read_source, &src, &r),
               IMAP_CODE_INVALID_ARGUMENT);
  }
  CHECK(src.calls == 0);

  /* 5. a source that fails half-way: ABORT, the count of bytes sent, the connection closed,
   * and nothing appended */
  memset(&src, 0, sizeof src);
  src.size = 1024 * 1024;
  src.fail_at = 300 * 1024;
  CHECK_CODE(c, imap_append_stream(c, mbox, NULL, 0, NULL, src.size, read_source, &src, &r),
             IMAP_CODE_ABORT);
  CHECK(strstr(imap_last_error(c), "failed after") != NULL);
  CHECK(strstr(imap_last_error(c), "of 1048576 bytes") != NULL);
  CHECK(imap_client_is_open(c) == 0);
  imap_client_free(c);

  /* a source that ends early: the same */
  c = test_login(1);
  memset(&src, 0, sizeof src);
  src.size = 1000;
  CHECK_CODE(c, imap_append_stream(c, mbox, NULL, 0, NULL, 5000, read_source, &src, &r),
             IMAP_CODE_ABORT);
  CHECK(strstr(imap_last_error(c), "ended after 1000 of 5000 bytes") != NULL);
  imap_client_free(c);

  c = test_login(1);
  CHECK(count_messages(c, mbox) == 1);
  CHECK_CODE(c, imap_delete(c, mbox, &r), IMAP_CODE_OK);
  result_done(&r);
  test_logout(c);
  CHECK(strcmp(imap_transfer_name(IMAP_TRANSFER_UPLOAD), "IMAP_TRANSFER_UPLOAD") == 0);
  return test_finish("transfer");
}
