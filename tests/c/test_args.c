/* Typed arguments through the C ABI against the test Dovecot: SEARCH and SORT with typed
 * values (a UTF-8 string value found in a UTF-8 subject), flags as lists (STORE, UID STORE,
 * APPEND) with bad flags refused before anything is sent, imap_set_literal (imaplib's
 * `literal` attribute), and LOGIN with a UTF-8 password. */
#include "common.h"

#include <stdio.h>
#include <string.h>

static char box[64];

/* Counts the command lines the client sends (trace lines "> ..." at debug level 4). */
static int sent_lines;
static void count_sent(void *user_data, imap_log_level level, const char *message) {
  (void)user_data;
  (void)level;
  if (strncmp(message, "> ", 2) == 0) sent_lines++;
}

static const char RAW_UTF8[] = "Subject: Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\r\n\r\nhallo\r\n";
static const char ENCODED[] =
    "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= zwei\r\n\r\nhallo\r\n";
static const char PLAIN[] = "Subject: plain\r\n\r\nhallo\r\n";

static void test_typed_search(imap_client *c) {
  imap_result *r = NULL;
  const char *values[] = {"SUBJECT", "Gr\xc3\xbc\xc3\x9f" "e"};
  const int32_t kinds[] = {IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_STRING};
  CHECK_CODE(c, imap_search_args(c, "UTF-8", values, kinds, 2, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "1 2") == 0);
  result_done(&r);
  CHECK_CODE(c, imap_uid_search_args(c, "UTF-8", values, kinds, 2, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "1 2") == 0);
  result_done(&r);

  /* (OR SUBJECT "Köln" SUBJECT "plain") NOT LARGER 100000: groups and numbers. */
  const char *grouped[] = {NULL, "OR", "SUBJECT", "K\xc3\xb6ln", "SUBJECT", "plain", NULL,
                           "NOT", "LARGER", "100000"};
  const int32_t gkinds[] = {IMAP_ARG_KIND_LIST_BEGIN, IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_ATOM,
                            IMAP_ARG_KIND_STRING, IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_STRING,
                            IMAP_ARG_KIND_LIST_END, IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_ATOM,
                            IMAP_ARG_KIND_NUMBER};
  CHECK_CODE(c, imap_search_args(c, "UTF-8", grouped, gkinds, 10, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "1 2 3") == 0);
  result_done(&r);

  const char *keys[] = {"REVERSE", "SUBJECT"};
  CHECK_CODE(c, imap_sort_args(c, keys, 2, "UTF-8", values, kinds, 2, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "2 1") == 0);
  result_done(&r);
  CHECK_CODE(c, imap_uid_sort_args(c, keys, 2, "UTF-8", values, kinds, 2, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "2 1") == 0);
  result_done(&r);

  /* imaplib's literal attribute: the next command only. */
  const char *subject[] = {"SUBJECT"};
  CHECK_CODE(c, imap_set_literal(c, (const uint8_t *)"K\xc3\xb6ln", 5), IMAP_CODE_OK);
  CHECK_CODE(c, imap_search(c, "UTF-8", subject, 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strcmp(item_text(r, 0), "1 2") == 0);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK); /* would be BAD with a stray literal */
  CHECK_CODE(c, imap_set_literal(c, (const uint8_t *)"x", 1), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_literal(c, NULL, 0), IMAP_CODE_OK); /* cleared */
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
}

static void test_bad_values_send_nothing(imap_client *c) {
  imap_result *r = NULL;
  const int32_t atom[] = {IMAP_ARG_KIND_ATOM};
  const int32_t str[] = {IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_STRING};
  const char *bad_atoms[] = {"two words", "(", "{5}", "Gr\xc3\xbc\xc3\x9f" "e", "a\r\nb", ""};
  const char *cr[] = {"SUBJECT", "a\r\nNOOP"};
  const int32_t unknown[] = {42};
  const int32_t unclosed[] = {IMAP_ARG_KIND_LIST_BEGIN};
  const int32_t unopened[] = {IMAP_ARG_KIND_LIST_END};
  const char *number[] = {"12x"};
  const int32_t numk[] = {IMAP_ARG_KIND_NUMBER};
  const char *one[] = {"SEEN"};
  const char *bad_flags[] = {"two words", "(\\Seen", "\\Seen)", "a]", "50%", "\\*", "\"q\"",
                             "back\\slash", "Gr\xc3\xbc\xc3\x9f" "e", "a\tb", "a\r\nb", ""};
  const char *msg = "Subject: x\r\n\r\nx\r\n";
  size_t i;

  imap_set_log_callback(c, count_sent, NULL);
  imap_set_debug(c, 4);
  sent_lines = 0;
  for (i = 0; i < sizeof bad_atoms / sizeof *bad_atoms; i++) {
    CHECK_CODE(c, imap_search_args(c, NULL, &bad_atoms[i], atom, 1, &r),
               IMAP_CODE_INVALID_ARGUMENT);
    CHECK(r == NULL);
  }
  CHECK_CODE(c, imap_search_args(c, NULL, cr, str, 2, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search_args(c, NULL, one, unknown, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(strstr(imap_last_error(c), "imap_arg_kind") != NULL);
  CHECK_CODE(c, imap_search_args(c, NULL, one, unclosed, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search_args(c, NULL, one, unopened, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search_args(c, NULL, number, numk, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_search_args(c, NULL, NULL, NULL, 1, &r), IMAP_CODE_INVALID_ARGUMENT);
  for (i = 0; i < sizeof bad_flags / sizeof *bad_flags; i++) {
    const char *flags[] = {"\\Seen", bad_flags[i]};
    CHECK_CODE(c, imap_store_flags(c, "1", "+FLAGS", flags, 2, &r), IMAP_CODE_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK_CODE(c, imap_uid_store_flags(c, "1", "+FLAGS", flags, 2, &r),
               IMAP_CODE_INVALID_ARGUMENT);
    CHECK_CODE(c, imap_append_flags(c, box, flags, 2, NULL, (const uint8_t *)msg, strlen(msg),
                                    &r),
               IMAP_CODE_INVALID_ARGUMENT);
  }
  CHECK(strstr(imap_last_error(c), "not a flag") != NULL);
  {
    const char *flags[] = {"\\Seen"};
    CHECK_CODE(c, imap_store_flags(c, "1 2", "+FLAGS", flags, 1, &r),
               IMAP_CODE_INVALID_ARGUMENT);
    CHECK_CODE(c, imap_store_flags(c, "1", "X-GM-LABELS", flags, 1, &r),
               IMAP_CODE_INVALID_ARGUMENT);
  }
  CHECK(sent_lines == 0);
  imap_set_debug(c, 0);
  imap_set_log_callback(c, NULL, NULL);
}

static void test_flag_lists(imap_client *c) {
  imap_result *r = NULL;
  const char *seen_label[] = {"\\Seen", "$Label1"};
  const char *flagged[] = {"\\Flagged"};
  CHECK_CODE(c, imap_store_flags(c, "3", "+FLAGS", seen_label, 2, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "\\Seen") && result_contains(r, "$Label1"));
  result_done(&r);
  CHECK_CODE(c, imap_uid_store_flags(c, "3", "-FLAGS.SILENT", &seen_label[1], 1, NULL),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_store_flags(c, "3", "+FLAGS", flagged, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_fetch(c, "3", "(FLAGS)", &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "\\Seen") && result_contains(r, "\\Flagged") &&
        !result_contains(r, "$Label1"));
  result_done(&r);
}

/* The last APPEND line the client sent (trace "> TAG APPEND ..."). */
static char append_line[256];
static void keep_append(void *user_data, imap_log_level level, const char *message) {
  const char *cmd = strstr(message, " APPEND ");
  (void)user_data;
  (void)level;
  if (strncmp(message, "> ", 2) == 0 && cmd != NULL)
    snprintf(append_line, sizeof append_line, "%s", cmd + 1);
}

/* Dovecot offers LITERAL+: a small APPEND message goes at once ({N+}) by default, waits for
 * the continuation ({N}) with imap_set_nonsync_literal_max(c, 0), and waits when an argument
 * could be refused before it (\Recent: BAD, the message never sent). */
static void test_literal_plus_append(imap_client *c) {
  static const char msg[] = "Subject: plus\r\n\r\nbody\r\n";
  const char *recent[] = {"\\Recent"};
  char want[128];
  imap_set_debug(c, 4);
  imap_set_log_callback(c, keep_append, NULL);
  CHECK_CODE(c, imap_append(c, box, NULL, NULL, (const uint8_t *)msg, strlen(msg), NULL),
             IMAP_CODE_OK);
  snprintf(want, sizeof want, "APPEND %s {%zu+}", box, strlen(msg));
  CHECK(strcmp(append_line, want) == 0);
  CHECK_CODE(c, imap_append_flags(c, box, recent, 1, NULL, (const uint8_t *)msg, strlen(msg),
                                  NULL),
             IMAP_CODE_BAD);
  /* The trace escapes backslashes as imaplib's debug output does: two before Recent. */
  snprintf(want, sizeof want, "APPEND %s (\\\\Recent) {%zu}", box, strlen(msg));
  CHECK(strcmp(append_line, want) == 0);
  CHECK_CODE(c, imap_set_nonsync_literal_max(c, 0), IMAP_CODE_OK);
  CHECK_CODE(c, imap_append(c, box, NULL, NULL, (const uint8_t *)msg, strlen(msg), NULL),
             IMAP_CODE_OK);
  snprintf(want, sizeof want, "APPEND %s {%zu}", box, strlen(msg));
  CHECK(strcmp(append_line, want) == 0);
  CHECK_CODE(NULL, imap_set_nonsync_literal_max(NULL, 0), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_nonsync_literal_max(c, 4096), IMAP_CODE_OK);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK);
  imap_set_log_callback(c, NULL, NULL);
  imap_set_debug(c, 0);
}

static void test_literal_needs_a_connection(void) {
  imap_client *c = test_client();
  CHECK_CODE(c, imap_set_literal(c, (const uint8_t *)"x", 1), IMAP_CODE_CLOSED);
  CHECK_CODE(c, imap_set_literal(c, NULL, 0), IMAP_CODE_OK);
  imap_client_free(c);
}

static void test_utf8_password(void) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  CHECK_CODE(c, imap_login(c, "utf8user", "p\xc3\xa4sswn\xc3\xb6rd", NULL), IMAP_CODE_NO);
  CHECK_CODE(c, imap_login(c, "utf8user", "p\xc3\xa4ssw\xc3\xb6rd-Gr\xc3\xbc\xc3\x9f" "e", NULL),
             IMAP_CODE_OK);
  test_logout(c);
}

int main(void) {
  imap_client *c = test_login(2);
  const char *msgs[] = {RAW_UTF8, ENCODED, PLAIN};
  const char *draft[] = {"\\Draft"};
  size_t i;

  test_mailbox_name(box, sizeof box, "args");
  CHECK_CODE(c, imap_create(c, box, NULL), IMAP_CODE_OK);
  for (i = 0; i < 3; i++)
    CHECK_CODE(c, imap_append_flags(c, box, draft, 1, NULL, (const uint8_t *)msgs[i],
                                    strlen(msgs[i]), NULL),
               IMAP_CODE_OK);
  CHECK_CODE(c, imap_select(c, box, 0, NULL), IMAP_CODE_OK);
  test_typed_search(c);
  test_bad_values_send_nothing(c);
  test_flag_lists(c);
  test_literal_plus_append(c);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, box, NULL), IMAP_CODE_OK);
  test_logout(c);
  test_utf8_password();
  test_literal_needs_a_connection();
  return test_finish("args");
}
