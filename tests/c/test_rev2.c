/* IMAP4rev2 (RFC 9051) and the LIST extensions through the C ABI: an IMAP4rev2 session against
 * a scripted server on a pipe (imap_open_stream of a shell script; Dovecot 2.3 does not speak
 * IMAP4rev2): ENABLE, SELECT without RECENT and with MAILBOXID, SEARCH answered with ESEARCH,
 * UTF-8 mailbox names, OBJECTID in FETCH, LIST with SPECIAL-USE and LIST-STATUS, CREATE with
 * USE; then SPECIAL-USE, LIST-STATUS and STATUS=SIZE against the test Dovecot; bad arguments. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One reply per command, in the order the test sends them; `$t` is the command's tag. */
static const char SERVER[] =
    "r() { read -r t rest || exit 0; }\n"
    "printf '* PREAUTH ready\\r\\n'\n"
    /* CAPABILITY (sent after every greeting) */
    "r; printf '* CAPABILITY IMAP4rev1 IMAP4rev2 ENABLE OBJECTID STATUS=SIZE SPECIAL-USE "
    "LIST-EXTENDED LIST-STATUS CREATE-SPECIAL-USE\\r\\n%s OK done\\r\\n' \"$t\"\n"
    /* ENABLE IMAP4rev2 */
    "r; printf '* ENABLED IMAP4rev2\\r\\n%s OK enabled\\r\\n' \"$t\"\n"
    /* SELECT: no RECENT, MAILBOXID, the mailbox's LIST */
    "r; printf '* 2 EXISTS\\r\\n* FLAGS (\\\\Seen)\\r\\n* OK [UIDVALIDITY 3] x\\r\\n"
    "* OK [MAILBOXID (Fmb1)] x\\r\\n* LIST () \"/\" INBOX\\r\\n%s OK [READ-WRITE] done\\r\\n' \"$t\"\n"
    /* NOOP (imap_recent) */
    "r; printf '%s OK noop\\r\\n' \"$t\"\n"
    /* SEARCH */
    "r; printf '* ESEARCH (TAG \"%s\") ALL 1:2\\r\\n%s OK done\\r\\n' \"$t\" \"$t\"\n"
    /* FETCH */
    "r; printf '* 1 FETCH (EMAILID (Me1) THREADID NIL)\\r\\n"
    "* 2 FETCH (EMAILID (M%%) THREADID (Tt2))\\r\\n%s OK done\\r\\n' \"$t\"\n"
    /* LIST (imap_list) */
    "r; printf '* LIST (\\\\HasNoChildren) \"/\" \"A&B\"\\r\\n%s OK done\\r\\n' \"$t\"\n"
    /* LIST RETURN (SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID)) */
    "r; printf '* LIST (\\\\Sent) \"/\" \"Gesendet \xe2\x9c\x93\"\\r\\n"
    "* STATUS \"Gesendet \xe2\x9c\x93\" (MESSAGES 4 SIZE 99 MAILBOXID (Fs))\\r\\n"
    "* LIST (\\\\NonExistent) \"/\" Gone\\r\\n%s OK done\\r\\n' \"$t\"\n"
    /* CREATE ... (USE (\Archive)) */
    "r; printf '%s OK [MAILBOXID (Fnew)] created\\r\\n' \"$t\"\n"
    /* LOGOUT */
    "r; printf '* BYE bye\\r\\n%s OK bye\\r\\n' \"$t\"\n";

static int bytes_is(imap_bytes b, const char *s) {
  return b.data != NULL && b.len == strlen(s) && memcmp(b.data, s, b.len) == 0;
}

static void test_rev2_session(void) {
  char path[] = "/tmp/libimap-rev2-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  CHECK(write(fd, SERVER, sizeof SERVER - 1) == (ssize_t)(sizeof SERVER - 1));
  close(fd);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "sh %s", path);

  imap_client *c = test_client();
  imap_result *r = NULL;
  CHECK(imap_client_imap4rev2(NULL) == 0);
  CHECK_CODE(c, imap_open_stream(c, cmd), IMAP_CODE_OK);
  unlink(path); /* sh has it open once it greeted: nothing is left behind if a check crashes */
  CHECK(imap_client_imap4rev2(c) == 0);
  CHECK_CODE(c, imap_enable(c, "IMAP4rev2", NULL), IMAP_CODE_OK);
  CHECK(imap_client_imap4rev2(c) == 1);

  CHECK_CODE(c, imap_select(c, "INBOX", 0, NULL), IMAP_CODE_OK);
  imap_mailbox_info *m = NULL;
  CHECK_CODE(c, imap_client_mailbox(c, &m), IMAP_CODE_OK);
  CHECK(m && m->has_exists && m->exists == 2 && m->has_recent == 0);
  CHECK(m && bytes_is(m->mailbox_id, "Fmb1"));
  imap_mailbox_info_free(m);
  CHECK_CODE(c, imap_recent(c, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && imap_result_item(r, 0)->kind == IMAP_ITEM_KIND_NONE);
  result_done(&r);

  /* SEARCH answered with ESEARCH: raw as sent, parsed as numbers */
  CHECK_CODE(c, imap_search(c, NULL, (const char *[]){"UNSEEN"}, 1, &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 1 && strstr(item_text(r, 0), ") ALL 1:2") != NULL);
  imap_search_result *sr = NULL;
  CHECK_CODE(c, imap_parse_search(r, &sr), IMAP_CODE_OK);
  CHECK(sr && sr->count == 2 && sr->ids[0] == 1 && sr->ids[1] == 2);
  imap_search_result_free(sr);
  result_done(&r);

  /* OBJECTID in FETCH; a garbage EMAILID makes its message invalid */
  CHECK_CODE(c, imap_fetch(c, "1:2", "(EMAILID THREADID)", &r), IMAP_CODE_OK);
  imap_fetch_list *fl = NULL;
  CHECK_CODE(c, imap_parse_fetch(r, &fl), IMAP_CODE_PARSE);
  CHECK(fl && fl->count == 2);
  if (fl && fl->count == 2) {
    const imap_fetch_message *a = fl->messages[0], *b = fl->messages[1];
    CHECK(a->valid && bytes_is(a->email_id, "Me1") && a->has_thread_id == 1 &&
          a->thread_id.data == NULL);
    CHECK(!b->valid && b->email_id.data == NULL && bytes_is(b->thread_id, "Tt2"));
  }
  imap_fetch_list_free(fl);
  result_done(&r);

  /* UTF-8 names: "A&B" is not modified UTF-7 under IMAP4rev2 */
  CHECK_CODE(c, imap_list(c, "", "*", &r), IMAP_CODE_OK);
  imap_list_entries *le = NULL;
  CHECK_CODE(c, imap_parse_list(r, &le), IMAP_CODE_OK);
  CHECK(le && le->count == 1 && bytes_is(le->entries[0]->mailbox.name, "A&B"));
  CHECK(le && le->count == 1 &&
        le->entries[0]->attribute_flags == IMAP_LIST_ATTR_HASNOCHILDREN &&
        le->entries[0]->status == NULL);
  imap_list_entries_free(le);
  result_done(&r);

  /* SPECIAL-USE and LIST-STATUS */
  le = NULL;
  CHECK_CODE(c,
             imap_list_extended(c, "", "*", NULL, "SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID)",
                                &le),
             IMAP_CODE_OK);
  CHECK(le && le->count == 2);
  if (le && le->count == 2) {
    const imap_list_entry *sent = le->entries[0], *gone = le->entries[1];
    CHECK(bytes_is(sent->mailbox.name, "Gesendet \xe2\x9c\x93"));
    CHECK((sent->attribute_flags & IMAP_LIST_ATTR_SPECIAL_USE) == IMAP_LIST_ATTR_SENT);
    CHECK(sent->status && sent->status->has_messages && sent->status->messages == 4 &&
          sent->status->has_size && sent->status->size == 99 &&
          bytes_is(sent->status->mailbox_id, "Fs"));
    CHECK((gone->attribute_flags & (IMAP_LIST_ATTR_NONEXISTENT | IMAP_LIST_ATTR_NOSELECT)) ==
          (IMAP_LIST_ATTR_NONEXISTENT | IMAP_LIST_ATTR_NOSELECT));
    CHECK(gone->status == NULL);
  }
  imap_list_entries_free(le);

  /* CREATE with USE, and MAILBOXID in its tagged OK */
  CHECK_CODE(c, imap_create_special_use(c, "Ablage", (const char *[]){"\\Archive"}, 1, &r),
             IMAP_CODE_OK);
  imap_response_code *code = NULL;
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_MAILBOXID && code->atom_count == 1 &&
        bytes_is(*code->atoms[0], "Fnew"));
  CHECK(strcmp(imap_response_code_kind_name(IMAP_RESPONSE_CODE_KIND_MAILBOXID),
               "IMAP_RESPONSE_CODE_KIND_MAILBOXID") == 0);
  imap_response_code_free(code);
  result_done(&r);

  /* refused before anything is sent */
  CHECK_CODE(c, imap_create_special_use(c, "X", (const char *[]){"Archive"}, 1, NULL),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_create_special_use(c, "X", NULL, 0, NULL), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_create_special_use(c, "X", (const char *[]){"\\A\r\nB"}, 1, NULL),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_list_extended(c, "", "*", "SUBSCRIBED)\r\nX", NULL, &le),
             IMAP_CODE_INVALID_ARGUMENT);
  CHECK(le == NULL);
  CHECK_CODE(c, imap_list_extended(c, NULL, "*", NULL, NULL, &le), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_list_extended(c, "", "*", NULL, NULL, NULL), IMAP_CODE_INVALID_ARGUMENT);

  CHECK_CODE(c, imap_logout(c, NULL), IMAP_CODE_OK);
  CHECK(imap_client_imap4rev2(c) == 0);
  imap_client_free(c);
}

static void test_dovecot(void) {
  imap_client *c = test_client();
  imap_result *r = NULL;
  CHECK_CODE(c, imap_set_auto_imap4rev2(c, 1), IMAP_CODE_OK);
  CHECK_CODE(NULL, imap_set_auto_imap4rev2(NULL, 1), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_open(c, test_env("DOVECOT_HOST"), test_port("DOVECOT_IMAP_PORT"),
                          IMAP_TLS_MODE_NONE),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_login(c, "user1", "pass1", NULL), IMAP_CODE_OK);
  CHECK(imap_client_imap4rev2(c) == 0); /* Dovecot 2.3 offers no IMAP4rev2 */

  imap_list_entries *le = NULL;
  CHECK_CODE(c, imap_list_extended(c, "", "*", "", "SPECIAL-USE STATUS (MESSAGES SIZE)", &le),
             IMAP_CODE_OK);
  int sent = 0, inbox = 0;
  for (size_t i = 0; le && i < le->count; i++) {
    const imap_list_entry *e = le->entries[i];
    if (bytes_is(e->mailbox.name, "Sent"))
      sent = (e->attribute_flags & IMAP_LIST_ATTR_SPECIAL_USE) == IMAP_LIST_ATTR_SENT &&
             e->status && e->status->has_size;
    if (bytes_is(e->mailbox.name, "INBOX"))
      inbox = e->status && e->status->messages == 20 && e->status->has_size &&
              e->status->size > 2000 && e->status->mailbox_id.data == NULL;
  }
  CHECK(sent && inbox);
  imap_list_entries_free(le);

  /* STATUS=SIZE through imap_status and imap_parse_status */
  CHECK_CODE(c, imap_status(c, "INBOX", "(MESSAGES SIZE)", &r), IMAP_CODE_OK);
  imap_status_list *sl = NULL;
  CHECK_CODE(c, imap_parse_status(r, &sl), IMAP_CODE_OK);
  CHECK(sl && sl->count == 1 && sl->entries[0]->has_size && sl->entries[0]->size > 2000);
  imap_status_list_free(sl);
  result_done(&r);

  /* Dovecot does not advertise CREATE-SPECIAL-USE */
  CHECK_CODE(c, imap_create_special_use(c, "Never", (const char *[]){"\\Archive"}, 1, &r),
             IMAP_CODE_UNSUPPORTED);
  CHECK(r == NULL);
  test_logout(c);
}

int main(void) {
  test_rev2_session();
  test_dovecot();
  return test_finish("test_rev2");
}
