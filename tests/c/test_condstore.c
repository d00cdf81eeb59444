/* CONDSTORE and QRESYNC through the C ABI against the test Dovecot: a sync client records its
 * state, its connection is cut (imap_shutdown), another client changes flags, expunges and
 * appends, and imap_resync on a new connection returns exactly those changes; a wrong
 * UIDVALIDITY asks for a full resync; a conditional STORE names what changed meanwhile
 * ([MODIFIED]); UID FETCH CHANGEDSINCE with VANISHED; bad arguments refused. */
#include "common.h"

#include <string.h>

static const char MESSAGE[] = "Subject: condstore\r\nFrom: a@example.com\r\n\r\nbody\r\n";

static void append(imap_client *c, const char *box) {
  CHECK_CODE(c,
             imap_append(c, box, NULL, NULL, (const uint8_t *)MESSAGE, sizeof MESSAGE - 1, NULL),
             IMAP_CODE_OK);
}

static int has_flag(const imap_changed_message *m, const char *flag) {
  for (size_t i = 0; i < m->flag_count; i++)
    if (strcmp((const char *)m->flags[i]->data, flag) == 0) return 1;
  return 0;
}

/* Another client: \Flagged on UID 2, UID 3 expunged, one message appended (UID 4). */
static void change_from_elsewhere(const char *box) {
  imap_client *o = test_login(1);
  const char *flagged[] = {"\\Flagged"}, *deleted[] = {"\\Deleted"};
  CHECK_CODE(o, imap_select(o, box, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(o, imap_uid_store_flags(o, "2", "+FLAGS", flagged, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(o, imap_uid_store_flags(o, "3", "+FLAGS", deleted, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(o, imap_expunge(o, NULL), IMAP_CODE_OK);
  append(o, box);
  test_logout(o);
}

static void test_resume(const char *box, uint32_t *uidvalidity_out) {
  imap_client *c = test_login(1);
  imap_mailbox_info *info = NULL;
  imap_mailbox_changes *first = NULL;
  for (int i = 0; i < 3; i++) append(c, box);
  CHECK_CODE(c, imap_select_condstore(c, box, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_client_mailbox(c, &info), IMAP_CODE_OK);
  CHECK(info && info->has_uidvalidity && info->has_highest_modseq);
  imap_mailbox_info_free(info);
  /* A first sync (uidvalidity 0): every message, and the state to save. */
  CHECK_CODE(c, imap_resync(c, box, 0, 0, 0, NULL, &first), IMAP_CODE_OK);
  CHECK(first && first->added_count == 3 && first->changed_count == 0 &&
        first->full_resync == IMAP_FULL_RESYNC_NONE && first->mailbox->has_highest_modseq);
  uint32_t uidvalidity = first ? first->mailbox->uidvalidity : 1;
  uint64_t modseq = first ? first->mailbox->highest_modseq : 1;
  if (first) CHECK(first->added[0]->uid == 1 && first->added[2]->uid == 3 && first->added[0]->has_modseq);
  imap_mailbox_changes_free(first);
  *uidvalidity_out = uidvalidity;
  /* The connection is cut: no LOGOUT. */
  CHECK_CODE(c, imap_shutdown(c), IMAP_CODE_OK);
  CHECK(!imap_client_is_open(c));
  imap_client_free(c);

  change_from_elsewhere(box);

  c = test_login(1);
  imap_mailbox_changes *ch = NULL;
  CHECK(!imap_client_is_enabled(c, "QRESYNC"));
  CHECK_CODE(c, imap_resync(c, box, 0, uidvalidity, modseq, "1:3", &ch), IMAP_CODE_OK);
  CHECK(ch != NULL);
  if (ch) {
    CHECK(ch->method == IMAP_SYNC_METHOD_QRESYNC);
    CHECK(ch->full_resync == IMAP_FULL_RESYNC_NONE);
    CHECK(ch->mailbox->uidvalidity == uidvalidity);
    CHECK(ch->mailbox->has_highest_modseq && ch->mailbox->highest_modseq > modseq);
    CHECK(ch->added_count == 1 && ch->added[0]->uid == 4 && ch->added[0]->has_modseq);
    CHECK(ch->changed_count == 1 && ch->changed[0]->uid == 2);
    CHECK(ch->changed_count == 1 && has_flag(ch->changed[0], "\\Flagged"));
    CHECK(ch->vanished_count == 1 && ch->vanished[0]->start == 3 && ch->vanished[0]->end == 3);
    CHECK(ch->invalid_count == 0);
  }
  imap_mailbox_changes_free(ch);
  CHECK(imap_client_is_enabled(c, "qresync") && imap_client_is_enabled(c, "CONDSTORE"));

  /* SELECT (QRESYNC ...) itself: the vanished UIDs are in the mailbox summary. */
  CHECK_CODE(c, imap_select_qresync(c, box, 1, uidvalidity, modseq, "1:3", NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_client_mailbox(c, &info), IMAP_CODE_OK);
  CHECK(info && info->vanished_count == 1 && info->vanished[0]->start == 3 &&
        info->vanished[0]->end == 3);
  imap_mailbox_info_free(info);
  CHECK(!imap_client_is_enabled(c, "UTF8=ACCEPT") && !imap_client_is_enabled(c, NULL));
  CHECK(!imap_client_is_enabled(NULL, "QRESYNC"));

  /* A saved UIDVALIDITY that is not the mailbox's: start again from scratch. */
  CHECK_CODE(c, imap_resync(c, box, 1, uidvalidity ^ 1u, modseq, "1:3", &ch), IMAP_CODE_OK);
  CHECK(ch && ch->full_resync == IMAP_FULL_RESYNC_UIDVALIDITY);
  CHECK(ch && ch->added_count == 0 && ch->changed_count == 0 && ch->vanished_count == 0);
  CHECK(ch && ch->mailbox->uidvalidity == uidvalidity);
  imap_mailbox_changes_free(ch);

  /* UID FETCH CHANGEDSINCE with VANISHED: the flags change and the expunged UID. */
  imap_result *r = NULL, *v = NULL;
  imap_vanished_list *vl = NULL;
  CHECK_CODE(c, imap_uid_fetch_changedsince(c, "1:*", "(FLAGS)", modseq, 1, &r), IMAP_CODE_OK);
  CHECK(r && imap_result_count(r) == 2);
  result_done(&r);
  CHECK_CODE(c, imap_response(c, "VANISHED", &v), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_vanished(v, &vl), IMAP_CODE_OK);
  CHECK(vl && vl->count == 1 && vl->entries[0]->earlier && vl->entries[0]->uid_count == 1);
  CHECK(vl && vl->count == 1 && vl->entries[0]->uids[0]->start == 3);
  imap_vanished_list_free(vl);
  result_done(&v);
  CHECK_CODE(c, imap_fetch_changedsince(c, "1:*", "(UID)", modseq, &r), IMAP_CODE_OK);
  CHECK(r && imap_result_count(r) == 2);
  result_done(&r);
  test_logout(c);
}

static void test_conditional_store(const char *box) {
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  imap_response_code *code = NULL;
  const char *seen[] = {"\\Seen"};
  CHECK_CODE(c, imap_select_condstore(c, box, 0, NULL), IMAP_CODE_OK);
  /* Every message has changed since mod-sequence 1. */
  CHECK_CODE(c, imap_uid_store_unchangedsince(c, "1:*", 1, "+FLAGS", seen, 1, &r),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_MODIFIED && code->uid_count >= 1);
  CHECK(code && code->uid_count >= 1 && code->uids[0]->start == 1);
  imap_response_code_free(code);
  result_done(&r);
  CHECK_CODE(c, imap_store_unchangedsince(c, "1", INT64_MAX, "+FLAGS", seen, 1, &r),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind != IMAP_RESPONSE_CODE_KIND_MODIFIED);
  imap_response_code_free(code);
  result_done(&r);
  test_logout(c);
}

static void test_bad_arguments(const char *box) {
  imap_client *c = test_login(1);
  imap_mailbox_changes *ch = NULL;
  imap_result *r = NULL;
  const char *seen[] = {"\\Seen"};
  CHECK_CODE(c, imap_resync(c, box, 0, 1, 1, "1:*", &ch), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(ch == NULL);
  CHECK_CODE(c, imap_resync(c, box, 0, 1, 1, "1\r\n", &ch), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_resync(c, "x\r\nA LOGOUT", 0, 1, 1, NULL, &ch),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_resync(c, box, 0, 1, 0, NULL, &ch), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_resync(c, NULL, 0, 1, 1, NULL, &ch), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_resync(c, box, 0, 1, 1, NULL, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(NULL, imap_resync(NULL, box, 0, 1, 1, NULL, &ch), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_select_qresync(c, box, 0, 1, 1, NULL, &r), IMAP_CODE_ILLEGAL_STATE);
  CHECK_CODE(c, imap_select_condstore(c, box, 0, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_uid_store_unchangedsince(c, "1\r\n", 1, "+FLAGS", seen, 1, &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_uid_store_unchangedsince(c, "1", UINT64_MAX, "+FLAGS", seen, 1, &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_fetch_changedsince(c, "1", "(FLAGS)\r\n", 1, &r),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_uid_fetch_changedsince(c, "1", "(FLAGS)", 1, 1, &r),
             IMAP_CODE_ILLEGAL_STATE);
  CHECK(r == NULL);
  imap_vanished_list *vl = NULL;
  CHECK_CODE(c, imap_parse_vanished(NULL, &vl), IMAP_CODE_INVALID_ARGUMENT);
  imap_vanished_list_free(NULL);
  imap_mailbox_changes_free(NULL);
  CHECK(strcmp(imap_sync_method_name(IMAP_SYNC_METHOD_CONDSTORE), "IMAP_SYNC_METHOD_CONDSTORE") ==
        0);
  CHECK(strcmp(imap_full_resync_name(99), "IMAP_FULL_RESYNC_UNKNOWN") == 0);
  test_logout(c);
}

int main(void) {
  char box[96];
  uint32_t uidvalidity = 0;
  imap_client *c = test_login(1);
  test_mailbox_name(box, sizeof box, "condstore");
  CHECK_CODE(c, imap_create(c, box, NULL), IMAP_CODE_OK);
  test_resume(box, &uidvalidity);
  test_conditional_store(box);
  test_bad_arguments(box);
  CHECK_CODE(c, imap_delete(c, box, NULL), IMAP_CODE_OK);
  test_logout(c);
  return test_finish("test_condstore");
}
