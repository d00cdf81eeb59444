/* imap_set_literal_callback: a message body streamed chunk by chunk equals the buffered one;
 * the result then holds a LITERAL item with a NULL literal and the size; small literals stay
 * buffered; a callback that stops the transfer fails the call with IMAP_CODE_ABORT. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct collected {
  unsigned char *data;
  size_t len;
  uint64_t size;
  int calls;
  int stop;
} collected;

static int32_t collect(void *user_data, const uint8_t *line, size_t line_len, uint64_t size,
                       uint64_t offset, const uint8_t *chunk, size_t chunk_len) {
  collected *c = user_data;
  (void)line;
  (void)line_len;
  if (c->stop)
    return 1;
  if (offset != c->len)
    return 1; /* out of order */
  c->data = realloc(c->data, c->len + chunk_len + 1);
  memcpy(c->data + c->len, chunk, chunk_len);
  c->len += chunk_len;
  c->size = size;
  c->calls++;
  return 0;
}

int main(void) {
  imap_client *c = test_login(1);
  imap_result *buffered = NULL, *streamed = NULL;
  collected got = {NULL, 0, 0, 0, 0};
  const imap_item *b, *s;
  CHECK_CODE(c, imap_select(c, "INBOX", 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "2", "(BODY.PEEK[])", &buffered), IMAP_CODE_OK);
  b = imap_result_item(buffered, 0);
  CHECK(b && b->kind == IMAP_ITEM_KIND_LITERAL && b->literal != NULL);

  /* Literals of 100 bytes and more stream; the mailbox-name-sized ones would not. */
  CHECK_CODE(c, imap_set_literal_callback(c, collect, &got, 100), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "2", "(BODY.PEEK[])", &streamed), IMAP_CODE_OK);
  s = imap_result_item(streamed, 0);
  CHECK(s && s->kind == IMAP_ITEM_KIND_LITERAL && s->literal == NULL);
  CHECK(b && s && s->literal_len == b->literal_len);
  CHECK(b && got.len == b->literal_len && got.size == b->literal_len);
  CHECK(b && got.data && memcmp(got.data, b->literal, got.len) == 0);
  CHECK(got.calls >= 1);
  {
    /* A streamed literal parses as a streamed section. */
    imap_fetch_list *list = NULL;
    CHECK(imap_parse_fetch(streamed, &list) == IMAP_CODE_OK);
    CHECK(list && list->count == 1 && list->messages[0]->section_count == 1 &&
          list->messages[0]->sections[0]->data.data == NULL &&
          list->messages[0]->sections[0]->streamed && b &&
          list->messages[0]->sections[0]->streamed_size == b->literal_len);
    imap_fetch_list_free(list);
  }
  result_done(&streamed);

  /* Back to buffering. */
  CHECK_CODE(c, imap_set_literal_callback(c, NULL, NULL, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "2", "(BODY.PEEK[])", &streamed), IMAP_CODE_OK);
  s = imap_result_item(streamed, 0);
  CHECK(s && s->literal != NULL && b && s->literal_len == b->literal_len);
  result_done(&streamed);

  /* Stopping the transfer closes the connection. */
  got.stop = 1;
  CHECK_CODE(c, imap_set_literal_callback(c, collect, &got, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "2", "(BODY.PEEK[])", &streamed), IMAP_CODE_ABORT);
  CHECK(imap_client_is_open(c) == 0);
  result_done(&streamed);
  result_done(&buffered);
  free(got.data);
  imap_client_free(c);
  return test_finish("test_stream");
}
