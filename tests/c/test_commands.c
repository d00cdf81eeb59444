/* Every IMAP command through the C ABI against the test Dovecot, as user2 in mailboxes of
 * its own: capability, noop, login, namespace, create, list, (un)subscribe, lsub, rename,
 * append, status, select/examine, response, recent, search, fetch, store, copy, move, uid,
 * expunge, check, unselect, close, xatom, delete, logout. */
#include "common.h"

#include <stdio.h>
#include <string.h>

static const char MESSAGE[] =
    "From: a@example.org\r\nTo: b@example.org\r\nSubject: ctest hello\r\n\r\n"
    "first body line\r\nsecond \xc3\xa9 line\r\n";

static char box[64], box2[64], box3[64];

static void test_connection_info(void) {
  imap_client *c = test_connect(IMAP_TLS_MODE_NONE);
  imap_result *r = NULL;
  char *caps = imap_client_capabilities(c), *welcome = imap_client_welcome(c);
  CHECK(caps && strstr(caps, "IMAP4REV1") != NULL);
  CHECK(welcome && strncmp(welcome, "* OK", 4) == 0);
  imap_string_free(caps);
  imap_string_free(welcome);
  CHECK(imap_client_has_capability(c, "imap4rev1") == 1);
  CHECK(imap_client_has_capability(c, "NO-SUCH-CAPABILITY") == 0);
  CHECK(strcmp(imap_client_protocol_version(c), "IMAP4REV1") == 0);
  CHECK(imap_client_state(c) == IMAP_STATE_NONAUTH);
  CHECK(imap_client_is_tls(c) == 0);

  CHECK_CODE(c, imap_capability(c, &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_type(r), "OK") == 0 && strcmp(imap_result_status(r), "OK") == 0);
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_LINE);
  CHECK(strncmp(item_text(r, 0), "IMAP4rev1 ", 10) == 0);
  CHECK(imap_result_item(r, 1) == NULL);
  result_done(&r);

  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "NOOP completed"));
  result_done(&r);

  CHECK_CODE(c, imap_login(c, "user2", "pass2", &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_status(r), "OK") == 0);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);
  result_done(&r);

  CHECK_CODE(c, imap_namespace(c, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strncmp(item_text(r, 0), "((\"\" \"/\")) ", 11) == 0);
  result_done(&r);
  test_logout(c);
}

static void test_mailboxes(imap_client *c) {
  imap_result *r = NULL;

  CHECK_CODE(c, imap_create(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_create(c, box2, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_create(c, box, &r), IMAP_CODE_NO); /* exists already */
  CHECK(strcmp(imap_result_status(r), "NO") == 0 && strstr(imap_last_error(c), "NO") != NULL);
  result_done(&r);

  CHECK_CODE(c, imap_list(c, "", box, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, box));
  result_done(&r);
  CHECK_CODE(c, imap_list(c, NULL, NULL, &r), IMAP_CODE_OK); /* "" "*" */
  CHECK(imap_result_count(r) >= 3 && result_contains(r, box2) && result_contains(r, "INBOX"));
  result_done(&r);

  CHECK_CODE(c, imap_subscribe(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_lsub(c, "", box, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, box));
  result_done(&r);
  CHECK_CODE(c, imap_unsubscribe(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_lsub(c, "", box, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE &&
        imap_result_item(r, 0)->data == NULL);
  result_done(&r);

  CHECK_CODE(c, imap_rename(c, box2, box3, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_list(c, "", box2, &r), IMAP_CODE_OK);
  CHECK(imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&r);
  CHECK_CODE(c, imap_list(c, "", box3, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, box3));
  result_done(&r);
}

/* Appends MESSAGE and returns the UID from APPENDUID. */
static unsigned long append(imap_client *c, const char *mailbox, const char *flags,
                            const char *date) {
  imap_result *r = NULL;
  unsigned long validity = 0, uid = 0;
  CHECK_CODE(c, imap_append(c, mailbox, flags, date, (const uint8_t *)MESSAGE,
                            sizeof MESSAGE - 1, &r),
             IMAP_CODE_OK);
  CHECK(result_code_is(r, "APPENDUID"));
  CHECK(sscanf(result_code_data(r), "%lu %lu", &validity, &uid) == 2 && uid > 0);
  result_done(&r);
  return uid;
}

static void test_select(imap_client *c) {
  imap_result *r = NULL;
  CHECK_CODE(c, imap_status(c, box, "(MESSAGES UIDNEXT)", &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, "MESSAGES 3"));
  result_done(&r);

  CHECK_CODE(c, imap_select(c, box, 1, &r), IMAP_CODE_OK); /* EXAMINE */
  CHECK(result_code_is(r, "READ-ONLY") && item_is(r, 0, IMAP_ITEM_KIND_LINE, "3"));
  CHECK(imap_client_is_readonly(c) == 1 && imap_client_state(c) == IMAP_STATE_SELECTED);
  result_done(&r);
  CHECK_CODE(c, imap_unselect(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);

  CHECK_CODE(c, imap_select(c, box, 0, &r), IMAP_CODE_OK);
  CHECK(result_code_is(r, "READ-WRITE") && item_is(r, 0, IMAP_ITEM_KIND_LINE, "3"));
  CHECK(imap_client_is_readonly(c) == 0);
  result_done(&r);

  CHECK_CODE(c, imap_response(c, "UIDVALIDITY", &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_type(r), "UIDVALIDITY") == 0 && imap_result_status(r) == NULL);
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_LINE);
  result_done(&r);
  CHECK_CODE(c, imap_response(c, "UIDVALIDITY", &r), IMAP_CODE_OK); /* popped: None */
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&r);

  CHECK_CODE(c, imap_recent(c, &r), IMAP_CODE_OK);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, "3"));
  result_done(&r);
}

static void test_search_fetch_store(imap_client *c) {
  static const char *all[] = {"ALL"};
  static const char *subject[] = {"SUBJECT", "hello", "FLAGGED"};
  imap_result *r = NULL;
  const imap_item *it;
  char head[64];

  CHECK_CODE(c, imap_search(c, NULL, all, 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && item_is(r, 0, IMAP_ITEM_KIND_LINE, "1 2 3"));
  result_done(&r);
  CHECK_CODE(c, imap_search(c, "UTF-8", subject, 3, &r), IMAP_CODE_OK);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, "1"));
  result_done(&r);

  CHECK_CODE(c, imap_fetch(c, "1", "(FLAGS INTERNALDATE)", &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_LINE);
  CHECK(result_contains(r, "\\Flagged") && result_contains(r, "01-Jan-2020 10:00:00 +0000"));
  result_done(&r);

  CHECK_CODE(c, imap_fetch(c, "2", "(BODY.PEEK[])", &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 2);
  it = imap_result_item(r, 0);
  snprintf(head, sizeof head, "2 (BODY[] {%u}", (unsigned)(sizeof MESSAGE - 1));
  CHECK(it && it->kind == IMAP_ITEM_KIND_LITERAL && item_is(r, 0, IMAP_ITEM_KIND_LITERAL, head));
  CHECK(it && it->literal_len == sizeof MESSAGE - 1 &&
        memcmp(it->literal, MESSAGE, sizeof MESSAGE - 1) == 0);
  CHECK(item_is(r, 1, IMAP_ITEM_KIND_LINE, ")"));
  result_done(&r);

  CHECK_CODE(c, imap_store(c, "2", "+FLAGS", "(\\Seen $Ctest)", &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, "\\Seen") && result_contains(r, "$Ctest"));
  result_done(&r);
  CHECK_CODE(c, imap_store(c, "2", "-FLAGS.SILENT", "$Ctest", NULL), IMAP_CODE_OK);

  CHECK_CODE(c, imap_copy(c, "1:2", box3, &r), IMAP_CODE_OK);
  CHECK(result_code_is(r, "COPYUID"));
  result_done(&r);
  CHECK_CODE(c, imap_move(c, "3", box3, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_check(c, NULL), IMAP_CODE_OK);
}

static void test_uid(imap_client *c, unsigned long uid1, unsigned long uid2,
                     unsigned long uid4) {
  imap_result *r = NULL;
  char u1[24], u2[24], u4[24], uids[64];
  const char *search[] = {"ALL"};
  const char *fetch[] = {u1, "(UID FLAGS)"};
  const char *store[] = {u2, "+FLAGS", "(\\Deleted)"};
  const char *copy[] = {u1, box3};
  const char *expunge[] = {u2};
  const char *move[] = {u4, box3};
  snprintf(u1, sizeof u1, "%lu", uid1);
  snprintf(u2, sizeof u2, "%lu", uid2);
  snprintf(u4, sizeof u4, "%lu", uid4);
  snprintf(uids, sizeof uids, "%lu %lu %lu", uid1, uid2, uid4);

  CHECK_CODE(c, imap_uid(c, "SEARCH", search, 1, &r), IMAP_CODE_OK);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, uids));
  result_done(&r);
  CHECK_CODE(c, imap_uid(c, "fetch", fetch, 2, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, "\\Flagged") && result_contains(r, u1));
  result_done(&r);
  CHECK_CODE(c, imap_uid(c, "STORE", store, 3, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "\\Deleted"));
  result_done(&r);
  CHECK_CODE(c, imap_uid(c, "COPY", copy, 2, &r), IMAP_CODE_OK);
  CHECK(result_code_is(r, "COPYUID"));
  result_done(&r);
  CHECK_CODE(c, imap_uid(c, "EXPUNGE", expunge, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_uid(c, "MOVE", move, 2, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_uid(c, "NOSUCH", NULL, 0, NULL), IMAP_CODE_INVALID_ARGUMENT);

  /* left: uid1 only, as message 1 */
  CHECK_CODE(c, imap_store(c, "1", "+FLAGS.SILENT", "(\\Deleted)", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_expunge(c, &r), IMAP_CODE_OK);
  /* every EXPUNGE since the last expunge(), as imaplib: MOVE 3, UID EXPUNGE, UID MOVE, this */
  CHECK(imap_result_count(r) == 4 && item_is(r, 0, IMAP_ITEM_KIND_LINE, "3") &&
        item_is(r, 1, IMAP_ITEM_KIND_LINE, "2") && item_is(r, 3, IMAP_ITEM_KIND_LINE, "1"));
  result_done(&r);
  CHECK_CODE(c, imap_search(c, NULL, search, 1, &r), IMAP_CODE_OK);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, ""));
  result_done(&r);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_state(c) == IMAP_STATE_AUTH);

  /* box3: copy 1:2 + move 3 + uid copy + uid move */
  CHECK_CODE(c, imap_status(c, box3, "MESSAGES", &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "MESSAGES 5"));
  result_done(&r);
}

static void test_xatom_and_cleanup(imap_client *c) {
  static const char *id_args[] = {"NIL"};
  imap_result *r = NULL;
  CHECK_CODE(c, imap_xatom(c, "ID", id_args, 1, &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_status(r), "OK") == 0);
  result_done(&r);
  CHECK_CODE(c, imap_response(c, "ID", &r), IMAP_CODE_OK); /* the untagged ID reply */
  CHECK(imap_result_count(r) == 1 && result_contains(r, "Dovecot"));
  result_done(&r);

  CHECK_CODE(c, imap_delete(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, box3, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, box3, NULL), IMAP_CODE_NO);

  CHECK_CODE(c, imap_logout(c, &r), IMAP_CODE_OK);
  CHECK(strcmp(imap_result_type(r), "BYE") == 0 && imap_result_count(r) >= 1);
  result_done(&r);
  CHECK(imap_client_state(c) == IMAP_STATE_LOGOUT);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_CLOSED);
  CHECK(r == NULL);
}

int main(void) {
  imap_client *c;
  unsigned long uid1, uid2, uid4;
  test_mailbox_name(box, sizeof box, "cmd");
  test_mailbox_name(box2, sizeof box2, "cmd");
  test_mailbox_name(box3, sizeof box3, "cmd");

  test_connection_info();
  c = test_login(2);
  test_mailboxes(c);
  uid1 = append(c, box, "(\\Flagged)", "\"01-Jan-2020 10:00:00 +0000\"");
  uid2 = append(c, box, "\\Seen", "02-Jan-2020 11:00:00 +0100"); /* quoted for us */
  append(c, box, NULL, NULL);
  test_select(c);
  test_search_fetch_store(c);
  uid4 = append(c, box, NULL, NULL); /* while selected */
  test_uid(c, uid1, uid2, uid4);
  test_xatom_and_cleanup(c);
  imap_client_free(c);
  return test_finish("test_commands");
}
