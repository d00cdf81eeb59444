/* The extension commands through the C ABI against the test Dovecot: ACL, QUOTA (the two
 * results of imap_getquotaroot), METADATA, SORT, THREAD, ENABLE (UTF-8 mode stays off on
 * Dovecot 2.3), ID; NULL pointers and CR/LF injection. */
#include "common.h"

#include <string.h>

static void test_acl(imap_client *c, const char *box) {
  imap_result *r = NULL;
  CHECK_CODE(c, imap_setacl(c, box, "user2", "lrs", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_getacl(c, box, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && result_contains(r, " user2 lrs"));
  result_done(&r);
  CHECK_CODE(c, imap_myrights(c, box, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strncmp(item_text(r, 0), box, strlen(box)) == 0);
  result_done(&r);
  CHECK_CODE(c, imap_listrights(c, box, "user2", &r), IMAP_CODE_OK);
  CHECK(result_contains(r, " user2 "));
  result_done(&r);
  CHECK_CODE(c, imap_deleteacl(c, box, "user2", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_getacl(c, box, &r), IMAP_CODE_OK);
  CHECK(!result_contains(r, "user2"));
  result_done(&r);
}

static void test_quota(imap_client *c) {
  imap_result *root = NULL, *quota = NULL;
  CHECK_CODE(c, imap_getquotaroot(c, "INBOX", &root, &quota), IMAP_CODE_OK);
  CHECK(root && quota);
  CHECK(item_is(root, 0, IMAP_ITEM_KIND_LINE, "INBOX \"User quota\""));
  CHECK(strncmp(item_text(quota, 0), "\"User quota\" (STORAGE ", 22) == 0);
  CHECK(strcmp(imap_result_status(root), "OK") == 0 &&
        strcmp(imap_result_status(quota), "OK") == 0);
  result_done(&root);
  result_done(&quota);
  CHECK_CODE(c, imap_getquotaroot(c, "INBOX", NULL, &quota), IMAP_CODE_OK);
  CHECK(imap_result_count(quota) == 1);
  result_done(&quota);
  CHECK_CODE(c, imap_getquota(c, "User quota", &quota), IMAP_CODE_OK);
  CHECK(result_contains(quota, "STORAGE"));
  result_done(&quota);
  CHECK_CODE(c, imap_setquota(c, "User quota", "STORAGE 1048576 MESSAGE 1000000", &quota),
             IMAP_CODE_OK);
  CHECK(imap_result_count(quota) == 1 && imap_result_item(quota, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&quota);
}

static void test_metadata(imap_client *c, const char *box) {
  const char *entries[] = {"/private/comment", "/shared/comment"};
  const char *values[] = {"hi there", NULL};
  imap_result *r = NULL;
  CHECK_CODE(c, imap_setmetadata(c, box, entries, values, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_getmetadata(c, box, entries, 2, NULL, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "hi there"));
  result_done(&r);
  CHECK_CODE(c, imap_setmetadata(c, box, entries, values + 1, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_getmetadata(c, box, entries, 1, "DEPTH 0", &r), IMAP_CODE_OK);
  CHECK(!result_contains(r, "hi there"));
  result_done(&r);
  CHECK_CODE(c, imap_getmetadata(c, box, entries, 0, NULL, &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_setmetadata(c, box, NULL, NULL, 0, &r), IMAP_CODE_INVALID_ARGUMENT);
}

static void test_sort_thread(imap_client *c) {
  const char *all[] = {"ALL"};
  imap_result *r = NULL;
  CHECK_CODE(c, imap_select(c, "INBOX", 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_sort(c, "REVERSE DATE", "UTF-8", all, 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strlen(item_text(r, 0)) > 0);
  result_done(&r);
  CHECK_CODE(c, imap_thread(c, "REFERENCES", "UTF-8", all, 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && item_text(r, 0)[0] == '(');
  result_done(&r);
  CHECK_CODE(c, imap_enable(c, "CONDSTORE", NULL), IMAP_CODE_ILLEGAL_STATE); /* AUTH only */
  CHECK_CODE(c, imap_proxyauth(c, "user2", NULL), IMAP_CODE_ILLEGAL_STATE);
  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
}

static void test_enable_id(imap_client *c) {
  const char *names[] = {"name", "version"};
  const char *values[] = {"libimap-ctest", NULL};
  imap_result *r = NULL;
  CHECK_CODE(c, imap_id(c, names, values, 2, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, "\"name\" \"Dovecot\""));
  result_done(&r);
  CHECK_CODE(c, imap_id(c, NULL, NULL, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_enable(c, "CONDSTORE", &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_response(c, "ENABLED", &r), IMAP_CODE_OK);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, "CONDSTORE"));
  result_done(&r);
  /* Dovecot 2.3: OK without * ENABLED, so no UTF-8 mode */
  CHECK_CODE(c, imap_enable(c, "UTF8=ACCEPT", NULL), IMAP_CODE_OK);
  CHECK(imap_client_utf8_enabled(c) == imap_client_has_capability(c, "UTF8=ACCEPT"));
  CHECK(imap_client_utf8_enabled(NULL) == 0);
}

static void test_bad_arguments(imap_client *c, const char *box) {
  const char *evil[] = {"/private/a\r\nX DELETE INBOX"};
  const char *args[] = {"INBOX", "/comment\n"};
  imap_result *r = (imap_result *)&r, *q = (imap_result *)&q;
  CHECK_CODE(c, imap_getacl(c, "a\r\nb", &r), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(r == NULL);
  CHECK(strstr(imap_last_error(c), "NUL, CR and LF") != NULL);
  CHECK_CODE(c, imap_setacl(c, box, "u", "l\r", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_getmetadata(c, box, evil, 1, NULL, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_setmetadata(c, box, args, evil, 1, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_setannotation(c, args, 2, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_id(c, args, evil, 1, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_enable(c, "X\r\nY", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_getquotaroot(c, "INBOX\n", &r, &q), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(r == NULL && q == NULL);
  /* NULL pointers */
  CHECK_CODE(c, imap_getacl(c, NULL, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_getacl(NULL, "INBOX", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_setannotation(c, NULL, 1, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_id(c, NULL, NULL, 1, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_partial(c, "1", NULL, "0", "1", NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_OK); /* still usable */
}

int main(void) {
  char box[96];
  imap_client *c = test_login(1);
  test_mailbox_name(box, sizeof box, "ext");
  CHECK_CODE(c, imap_create(c, box, NULL), IMAP_CODE_OK);
  test_acl(c, box);
  test_quota(c);
  test_metadata(c, box);
  test_bad_arguments(c, box);
  test_enable_id(c);
  test_sort_thread(c);
  CHECK_CODE(c, imap_delete(c, box, NULL), IMAP_CODE_OK);
  test_logout(c);
  return test_finish("test_extensions");
}
