/* Parsed results through the C ABI against the test Dovecot: FETCH of user1's seeded INBOX
 * (read-only), messages built here and appended as user2 (ENVELOPE, BODYSTRUCTURE, groups,
 * RFC 2047), the SELECT summary, LIST with a UTF-8 name sent in modified UTF-7, STATUS,
 * SEARCH, ESEARCH, SORT, THREAD, NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS, LISTRIGHTS,
 * METADATA, CAPABILITY, APPENDUID/COPYUID/TRYCREATE; modified UTF-7 and RFC 2047 vectors.
 * Every parsed object is freed (the memcheck_ and ASan runs check it). */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 if `b` holds exactly the string `s` (NIL never matches). */
static int bytes_is(imap_bytes b, const char *s) {
  return b.data != NULL && b.len == strlen(s) && memcmp(b.data, s, b.len) == 0;
}

static int bytes_ieq(imap_bytes b, const char *s) {
  size_t i;
  if (b.data == NULL || b.len != strlen(s))
    return 0;
  for (i = 0; i < b.len; i++) {
    char x = (char)b.data[i], y = s[i];
    if (x >= 'a' && x <= 'z') x = (char)(x - 32);
    if (y >= 'a' && y <= 'z') y = (char)(y - 32);
    if (x != y)
      return 0;
  }
  return 1;
}

/* The value of parameter `name` (case-insensitive), or a NIL imap_bytes. */
static imap_bytes param(const imap_param *const *p, size_t n, const char *name) {
  imap_bytes nil = {NULL, 0};
  size_t i;
  for (i = 0; i < n; i++)
    if (bytes_ieq(p[i]->name, name))
      return p[i]->value;
  return nil;
}

static int part_is(const imap_body_part *p, const char *type, const char *subtype) {
  return p != NULL && bytes_ieq(p->media_type, type) && bytes_ieq(p->subtype, subtype);
}

/* ---- modified UTF-7 and RFC 2047 ---------------------------------------------------------- */

static void utf7_pair(const char *utf8, const char *encoded) {
  char *s = NULL;
  CHECK(imap_utf7_encode(utf8, &s) == IMAP_CODE_OK && s && strcmp(s, encoded) == 0);
  imap_string_free(s);
  s = NULL;
  CHECK(imap_utf7_decode((const uint8_t *)encoded, strlen(encoded), &s) == IMAP_CODE_OK && s &&
        strcmp(s, utf8) == 0);
  imap_string_free(s);
}

static void header_is(const char *raw, const char *want) {
  char *s = NULL;
  CHECK(imap_decode_header((const uint8_t *)raw, strlen(raw), &s) == IMAP_CODE_OK && s &&
        strcmp(s, want) == 0);
  if (s && strcmp(s, want) != 0)
    fprintf(stderr, "    decode_header(%s) = %s\n", raw, s);
  imap_string_free(s);
}

static void test_text(void) {
  static const char *bad[] = {"&", "&AGE", "&AG-", "&AEE-", "&2D0-", "caf\xc3\xa9", "a\tb", "&A!A-"};
  char *s = (char *)1;
  size_t i;
  /* RFC 3501 section 5.1.3's example: ~peter/mail/台北/日本語 */
  utf7_pair("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  utf7_pair("&", "&-");
  utf7_pair("Entw\xc3\xbc" "rfe", "Entw&APw-rfe");
  utf7_pair("\xf0\x9f\x98\x80", "&2D3eAA-"); /* beyond the BMP: a surrogate pair */
  utf7_pair("", "");
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s = (char *)1;
    CHECK(imap_utf7_decode((const uint8_t *)bad[i], strlen(bad[i]), &s) ==
          IMAP_CODE_INVALID_ARGUMENT);
    CHECK(s == NULL);
  }
  CHECK(imap_utf7_encode("\xff\xfe", &s) == IMAP_CODE_INVALID_ARGUMENT && s == NULL);
  CHECK(imap_utf7_encode(NULL, &s) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_utf7_encode("x", NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_utf7_decode(NULL, 3, &s) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_utf7_decode(NULL, 0, &s) == IMAP_CODE_OK && s && *s == '\0');
  imap_string_free(s);

  header_is("=?UTF-8?B?w6l0w6k=?=", "\xc3\xa9t\xc3\xa9");
  header_is("=?ISO-8859-1?Q?caf=E9_cr=E8me?=", "caf\xc3\xa9 cr\xc3\xa8me");
  header_is("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab"); /* space between words dropped */
  header_is("Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?= again", "Re: Gr\xc3\xbc\xc3\x9f" "e again");
  header_is("=?x-unknown?Q?abc?=", "=?x-unknown?Q?abc?=");
  header_is("plain text", "plain text");
  CHECK(imap_decode_header(NULL, 1, &s) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_decode_header((const uint8_t *)"x", 1, NULL) == IMAP_CODE_INVALID_ARGUMENT);
}

/* ---- NULL arguments, empty results ---------------------------------------------------------- */

#define NAME_IS(fn, constant) CHECK(strcmp(fn(constant), #constant) == 0)

/* every public enum has a name function; values out of range are UNKNOWN */
static void test_names(void) {
  NAME_IS(imap_state_name, IMAP_STATE_SELECTED);
  NAME_IS(imap_tls_mode_name, IMAP_TLS_MODE_STARTTLS);
  NAME_IS(imap_response_code_kind_name, IMAP_RESPONSE_CODE_KIND_COPYUID);
  NAME_IS(imap_invalid_kind_name, IMAP_INVALID_KIND_TRUNCATED);
  NAME_IS(imap_address_kind_name, IMAP_ADDRESS_KIND_GROUP_END);
  NAME_IS(imap_section_kind_name, IMAP_SECTION_KIND_RFC822_HEADER);
  NAME_IS(imap_section_text_name, IMAP_SECTION_TEXT_HEADER_FIELDS_NOT);
  NAME_IS(imap_item_kind_name, IMAP_ITEM_KIND_LITERAL);
  NAME_IS(imap_mailbox_encoding_name, IMAP_MAILBOX_ENCODING_RAW);
  NAME_IS(imap_arg_kind_name, IMAP_ARG_KIND_LIST_END);
  NAME_IS(imap_code_name, IMAP_CODE_PARSE);
  CHECK(strcmp(imap_state_name(-1), "IMAP_STATE_UNKNOWN") == 0);
  CHECK(strcmp(imap_section_text_name(7), "IMAP_SECTION_TEXT_UNKNOWN") == 0);
  CHECK(strcmp(imap_arg_kind_name(1000), "IMAP_ARG_KIND_UNKNOWN") == 0);
}

static void test_arguments(void) {
  imap_fetch_list *f = (imap_fetch_list *)1;
  imap_list_entries *l = NULL;
  imap_mailbox_info *m = NULL;
  imap_client *c = test_client();
  CHECK(imap_parse_fetch(NULL, &f) == IMAP_CODE_INVALID_ARGUMENT && f == NULL);
  CHECK(imap_parse_list(NULL, &l) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_parse_status(NULL, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_parse_code(NULL, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_client_mailbox(NULL, &m) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_client_mailbox(c, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_client_mailbox(c, &m), IMAP_CODE_ILLEGAL_STATE);
  CHECK(m == NULL);
  CHECK_CODE(c, imap_set_mailbox_encoding(c, 7), IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_set_mailbox_encoding(c, IMAP_MAILBOX_ENCODING_RAW), IMAP_CODE_OK);
  CHECK(imap_set_mailbox_encoding(NULL, 0) == IMAP_CODE_INVALID_ARGUMENT);
  imap_fetch_list_free(NULL);
  imap_list_entries_free(NULL);
  imap_status_list_free(NULL);
  imap_search_result_free(NULL);
  imap_esearch_list_free(NULL);
  imap_thread_list_free(NULL);
  imap_namespace_list_free(NULL);
  imap_quota_list_free(NULL);
  imap_quotaroot_list_free(NULL);
  imap_acl_list_free(NULL);
  imap_myrights_list_free(NULL);
  imap_listrights_list_free(NULL);
  imap_metadata_list_free(NULL);
  imap_capability_list_free(NULL);
  imap_response_code_free(NULL);
  imap_mailbox_info_free(NULL);
  imap_client_free(c);
}

/* ---- user1's seeded INBOX, read-only ---------------------------------------------------- */

static void test_seeded_inbox(void) {
  imap_client *c = test_login(1);
  imap_result *r = NULL;
  imap_fetch_list *f = NULL;
  imap_mailbox_info *m = NULL;
  imap_capability_list *caps = NULL;
  imap_namespace_list *ns = NULL;
  imap_list_entries *l = NULL;
  size_t i, j, n;
  int found_inbox = 0;

  CHECK_CODE(c, imap_capability(c, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_capability(r, &caps), IMAP_CODE_OK);
  for (i = 0, j = 0; caps && i < caps->count; i++)
    j += bytes_ieq(*caps->capabilities[i], "IMAP4rev1");
  CHECK(caps && caps->count > 5 && j >= 1); /* each response kept since login counts */
  imap_capability_list_free(caps);
  result_done(&r);

  /* the handle's capability list as count/get */
  n = imap_client_capability_count(c);
  CHECK(n > 5);
  for (i = 0, j = 0; i < n; i++) {
    char *cap = NULL;
    CHECK(imap_client_capability_get(c, i, &cap) == IMAP_CODE_OK && cap != NULL);
    if (cap) {
      CHECK(imap_client_has_capability(c, cap) == 1);
      j += strcmp(cap, "IMAP4REV1") == 0;
    }
    imap_string_free(cap);
  }
  CHECK(j == 1);
  {
    char *cap = (char *)1;
    CHECK(imap_client_capability_get(c, n, &cap) == IMAP_CODE_INVALID_ARGUMENT && cap == NULL);
    CHECK(imap_client_capability_get(c, 0, NULL) == IMAP_CODE_INVALID_ARGUMENT);
    CHECK(imap_client_capability_get(NULL, 0, &cap) == IMAP_CODE_INVALID_ARGUMENT && cap == NULL);
    CHECK(imap_client_capability_count(NULL) == 0);
  }

  CHECK_CODE(c, imap_namespace(c, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_namespace(r, &ns), IMAP_CODE_OK);
  CHECK(ns && ns->count == 1 && ns->invalid_count == 0 && ns->entries[0]->personal_count == 1);
  if (ns && ns->count == 1 && ns->entries[0]->personal_count == 1) {
    CHECK(bytes_is(ns->entries[0]->personal[0]->prefix, ""));
    CHECK(ns->entries[0]->personal[0]->delimiter == '/');
  }
  imap_namespace_list_free(ns);
  result_done(&r);

  CHECK_CODE(c, imap_list(c, "", "*", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_list(r, &l), IMAP_CODE_OK);
  for (i = 0; l && i < l->count; i++)
    if (bytes_is(l->entries[i]->mailbox.raw, "INBOX")) {
      found_inbox = 1;
      CHECK(bytes_is(l->entries[i]->mailbox.name, "INBOX") && l->entries[i]->delimiter == '/');
    }
  CHECK(found_inbox);
  imap_list_entries_free(l);
  result_done(&r);

  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_client_mailbox(c, &m), IMAP_CODE_OK);
  CHECK(m && m->has_exists && m->exists == 20 && m->has_recent);
  CHECK(m && m->has_uidvalidity && m->uidvalidity > 0 && m->has_uidnext && m->uidnext > 20);
  CHECK(m && m->has_flags && m->flag_count >= 5 && m->read_only == 1);
  for (i = 0, j = 0; m && i < m->flag_count; i++)
    j += bytes_is(*m->flags[i], "\\Seen");
  CHECK(j == 1);
  imap_mailbox_info_free(m);
  m = NULL;
  /* the summary did not consume the kept responses */
  CHECK_CODE(c, imap_response(c, "EXISTS", &r), IMAP_CODE_OK);
  CHECK(imap_result_count(r) >= 1 && item_is(r, 0, IMAP_ITEM_KIND_LINE, "20"));
  result_done(&r);

  CHECK_CODE(c, imap_fetch(c, "1:20",
                           "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE "
                           "BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
                           &r),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_fetch(r, &f), IMAP_CODE_OK);
  CHECK(f && f->count == 20);
  for (i = 0; f && i < f->count; i++) {
    const imap_fetch_message *msg = f->messages[i];
    int ok = msg->valid && msg->error == NULL && msg->raw.data == NULL && msg->other_count == 0 &&
             msg->seq == i + 1 && msg->has_uid && msg->has_flags && msg->has_internaldate &&
             msg->has_rfc822_size && msg->rfc822_size > 0 && msg->envelope != NULL &&
             msg->body_structure != NULL && msg->body == NULL && msg->section_count == 1;
    CHECK(ok);
    if (!ok) {
      fprintf(stderr, "    message %zu: valid %d error %s\n", i + 1, (int)msg->valid,
              msg->error ? msg->error : "-");
      continue;
    }
    CHECK(msg->internaldate_seconds > 946684800); /* after 2000 */
    CHECK(msg->envelope->from_count >= 1 && msg->envelope->subject.data != NULL);
    CHECK(msg->envelope->from[0]->kind == IMAP_ADDRESS_KIND_MAILBOX &&
          msg->envelope->from[0]->host.data != NULL);
    CHECK(msg->body_structure->media_type.len > 0 && msg->body_structure->subtype.len > 0);
    CHECK(msg->sections[0]->kind == IMAP_SECTION_KIND_BODY &&
          msg->sections[0]->text == IMAP_SECTION_TEXT_HEADER_FIELDS &&
          msg->sections[0]->field_count == 1 && bytes_ieq(*msg->sections[0]->fields[0], "SUBJECT") &&
          msg->sections[0]->data.data != NULL && msg->sections[0]->streamed == 0 &&
          msg->sections[0]->part_count == 0 && msg->sections[0]->has_origin == 0);
    CHECK(msg->sections[0]->data.len > 9 &&
          memcmp(msg->sections[0]->data.data, "Subject: ", 9) == 0);
    /* section lookup by spec, case-insensitive; absent ones give NULL */
    CHECK(imap_fetch_message_section(msg, "header.fields (subject)") == msg->sections[0]);
    CHECK(imap_fetch_message_section(msg, "HEADER.FIELDS (SUBJECT)") == msg->sections[0]);
    CHECK(imap_fetch_message_section(msg, "TEXT") == NULL &&
          imap_fetch_message_section(msg, "") == NULL &&
          imap_fetch_message_section(msg, NULL) == NULL &&
          imap_fetch_message_section(NULL, "") == NULL);
    /* a single-part message's body is part 1, a multipart root "" */
    CHECK(strcmp(msg->body_structure->part, msg->body_structure->multipart ? "" : "1") == 0);
    CHECK(imap_body_part_find(msg->body_structure, msg->body_structure->part) ==
          msg->body_structure);
  }
  imap_fetch_list_free(f);
  f = NULL;
  /* the raw result is untouched by parsing: parse it again */
  CHECK_CODE(c, imap_parse_fetch(r, &f), IMAP_CODE_OK);
  CHECK(f && f->count == 20);
  imap_fetch_list_free(f);
  f = NULL;
  result_done(&r);

  /* no untagged data (the tagged text only): an empty list, not an error */
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_fetch(r, &f), IMAP_CODE_OK);
  CHECK(f && f->count == 0 && f->messages == NULL);
  imap_fetch_list_free(f);
  result_done(&r);
  test_logout(c);
}

/* ---- messages built here, appended as user2 ----------------------------------------------- */

/* multipart/mixed: text + attachment with a non-ASCII (RFC 2047) filename; RFC 2047 subject;
 * display names; a group and an empty group. */
static const char MSG_MIXED[] =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>\r\n"
    "To: Friends: alice@example.org, Bob Smith <bob@example.net>;, carol@example.com\r\n"
    "Cc: undisclosed-recipients:;\r\n"
    "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"
    "Message-ID: <m1.parsed@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hall=C3=B6chen\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"\r\n"
    "Content-Disposition: attachment; filename=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer--\r\n";

/* multipart/alternative, a reply to the first (for THREAD). */
static const char MSG_ALTERNATIVE[] =
    "Date: Tue, 8 Feb 1994 10:00:00 +0000\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: joerg@example.org\r\n"
    "Subject: Re: plain ascii\r\n"
    "Message-ID: <m2.parsed@example.org>\r\n"
    "In-Reply-To: <m1.parsed@example.org>\r\n"
    "References: <m1.parsed@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=alt\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "plain\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "\r\n"
    "<p>html</p>\r\n"
    "--alt--\r\n";

/* multipart/mixed with a message/rfc822 attachment. */
static const char MSG_FORWARD[] =
    "Date: Wed, 9 Feb 1994 10:00:00 +0000\r\n"
    "From: bob@example.net\r\n"
    "To: carol@example.com\r\n"
    "Subject: Fwd: inner\r\n"
    "Message-ID: <m3.parsed@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=fwd\r\n"
    "\r\n"
    "--fwd\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "see attached\r\n"
    "--fwd\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: Inner Sender <inner@example.org>\r\n"
    "Subject: Inner subject\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "\r\n"
    "inner body\r\n"
    "--fwd--\r\n";

static void check_mixed(const imap_fetch_message *m) {
  const imap_envelope *e = m->envelope;
  const imap_body_part *b = m->body_structure, *att;
  char *s = NULL;
  CHECK(e != NULL && b != NULL);
  if (!e || !b)
    return;
  CHECK(bytes_is(e->subject_decoded, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln"));
  CHECK(bytes_is(e->subject, "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="));
  CHECK(bytes_is(e->message_id, "<m1.parsed@example.org>") && e->in_reply_to.data == NULL);
  CHECK(bytes_is(e->date, "Mon, 7 Feb 1994 21:52:25 -0800"));
  CHECK(e->from_count == 1 && bytes_is(e->from[0]->name_decoded, "J\xc3\xb6rg M\xc3\xbcller") &&
        bytes_is(e->from[0]->mailbox, "joerg") && bytes_is(e->from[0]->host, "example.org") &&
        e->from[0]->adl.data == NULL);
  /* sender and reply-to default to from (RFC 3501) */
  CHECK(e->sender_count == 1 && e->reply_to_count == 1 && e->bcc_count == 0);
  /* To: group start, alice, Bob Smith, group end, carol */
  CHECK(e->to_count == 5);
  if (e->to_count == 5) {
    CHECK(e->to[0]->kind == IMAP_ADDRESS_KIND_GROUP_START && bytes_is(e->to[0]->mailbox, "Friends"));
    CHECK(e->to[1]->kind == IMAP_ADDRESS_KIND_MAILBOX && bytes_is(e->to[1]->mailbox, "alice") &&
          e->to[1]->name.data == NULL);
    CHECK(bytes_is(e->to[2]->name, "Bob Smith") && bytes_is(e->to[2]->host, "example.net"));
    CHECK(e->to[3]->kind == IMAP_ADDRESS_KIND_GROUP_END && e->to[3]->mailbox.data == NULL);
    CHECK(e->to[4]->kind == IMAP_ADDRESS_KIND_MAILBOX && bytes_is(e->to[4]->mailbox, "carol"));
  }
  CHECK(e->cc_count == 2 && e->cc[0]->kind == IMAP_ADDRESS_KIND_GROUP_START &&
        bytes_is(e->cc[0]->mailbox, "undisclosed-recipients") &&
        e->cc[1]->kind == IMAP_ADDRESS_KIND_GROUP_END);

  CHECK(b->multipart == 1 && part_is(b, "MULTIPART", "MIXED") && b->child_count == 2);
  CHECK(bytes_is(param(b->params, b->param_count, "boundary"), "outer"));
  if (b->child_count != 2)
    return;
  /* part numbers: "" for the multipart root, "1" and "2" for its parts */
  CHECK(strcmp(b->part, "") == 0 && strcmp(b->children[0]->part, "1") == 0 &&
        strcmp(b->children[1]->part, "2") == 0);
  CHECK(imap_body_part_find(b, "2") == b->children[1] && imap_body_part_find(b, "") == b);
  CHECK(imap_body_part_find(b, "3") == NULL && imap_body_part_find(b, "1.1") == NULL);
  CHECK(imap_body_part_find(NULL, "1") == NULL && imap_body_part_find(b, NULL) == NULL);
  CHECK(part_is(b->children[0], "TEXT", "PLAIN") && b->children[0]->has_lines &&
        bytes_ieq(b->children[0]->encoding, "QUOTED-PRINTABLE") &&
        bytes_ieq(param(b->children[0]->params, b->children[0]->param_count, "charset"),
                  "utf-8"));
  att = b->children[1];
  CHECK(part_is(att, "APPLICATION", "PDF") && bytes_ieq(att->encoding, "BASE64") &&
        att->size == 12 && att->has_lines == 0 && att->child_count == 0 &&
        att->message_body == NULL);
  CHECK(bytes_ieq(att->disposition, "attachment"));
  {
    imap_bytes fn = param(att->disposition_params, att->disposition_param_count, "filename");
    CHECK(fn.data != NULL);
    if (fn.data) {
      CHECK(imap_decode_header(fn.data, fn.len, &s) == IMAP_CODE_OK &&
            strcmp(s, "r\xc3\xa9sum\xc3\xa9.pdf") == 0);
      imap_string_free(s);
    }
  }
}

static void check_alternative(const imap_fetch_message *m) {
  const imap_body_part *b = m->body_structure;
  CHECK(m->envelope && bytes_is(m->envelope->subject_decoded, "Re: plain ascii") &&
        bytes_is(m->envelope->in_reply_to, "<m1.parsed@example.org>") &&
        bytes_is(m->envelope->from[0]->name, "Alice"));
  CHECK(b && part_is(b, "MULTIPART", "ALTERNATIVE") && b->child_count == 2);
  if (b && b->child_count == 2) {
    CHECK(part_is(b->children[0], "TEXT", "PLAIN") && part_is(b->children[1], "TEXT", "HTML"));
    CHECK(bytes_is(param(b->params, b->param_count, "boundary"), "alt"));
  }
}

static void check_forward(const imap_fetch_message *m) {
  const imap_body_part *b = m->body_structure, *fwd;
  CHECK(b && part_is(b, "MULTIPART", "MIXED") && b->child_count == 2);
  if (!b || b->child_count != 2)
    return;
  fwd = b->children[1];
  CHECK(part_is(fwd, "MESSAGE", "RFC822") && fwd->has_lines && fwd->message_envelope != NULL &&
        fwd->message_body != NULL);
  if (!fwd->message_envelope || !fwd->message_body)
    return;
  /* the encapsulated message's single part is numbered under the message/rfc822 part */
  CHECK(strcmp(fwd->part, "2") == 0 && strcmp(fwd->message_body->part, "2.1") == 0);
  CHECK(imap_body_part_find(b, "2") == fwd && imap_body_part_find(b, "2.1") == fwd->message_body);
  CHECK(imap_body_part_find(fwd, "2.1") == fwd->message_body); /* numbers are absolute */
  CHECK(bytes_is(fwd->message_envelope->subject, "Inner subject"));
  CHECK(fwd->message_envelope->from_count == 1 &&
        bytes_is(fwd->message_envelope->from[0]->name, "Inner Sender"));
  CHECK(part_is(fwd->message_body, "TEXT", "PLAIN") &&
        bytes_ieq(param(fwd->message_body->params, fwd->message_body->param_count, "charset"),
                  "iso-8859-1"));
}

static void test_appended(imap_client *c) {
  static const char *messages[] = {MSG_MIXED, MSG_ALTERNATIVE, MSG_FORWARD};
  const char *all[] = {"ALL"};
  const char *esearch[] = {"RETURN", "(MIN MAX COUNT ALL)", "ALL"};
  const char *uid_fetch[] = {"1:*", "(UID ENVELOPE BODYSTRUCTURE)"};
  const char *meta_names[] = {"/private/comment"}, *meta_values[] = {"parsed \"comment\""};
  char box[64], box2[64], missing[80];
  imap_result *r = NULL, *r2 = NULL;
  imap_response_code *code = NULL;
  imap_fetch_list *f = NULL;
  imap_status_list *st = NULL;
  imap_search_result *sr = NULL;
  imap_esearch_list *es = NULL;
  imap_thread_list *th = NULL;
  imap_acl_list *acl = NULL;
  imap_myrights_list *my = NULL;
  imap_listrights_list *lr = NULL;
  imap_metadata_list *md = NULL;
  imap_quotaroot_list *qr = NULL;
  imap_quota_list *q = NULL;
  imap_mailbox_info *info = NULL;
  uint32_t uids[3] = {0, 0, 0}, uidvalidity = 0;
  size_t i;

  test_mailbox_name(box, sizeof box, "parsed");
  test_mailbox_name(box2, sizeof box2, "parsed");
  snprintf(missing, sizeof missing, "%s-missing", box);
  CHECK_CODE(c, imap_create(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_create(c, box2, NULL), IMAP_CODE_OK);

  for (i = 0; i < 3; i++) {
    CHECK_CODE(c, imap_append(c, box, NULL, NULL, (const uint8_t *)messages[i],
                              strlen(messages[i]), &r),
               IMAP_CODE_OK);
    CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
    CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_APPENDUID &&
          bytes_is(code->name, "APPENDUID") && code->number > 0 && code->has_number == 1 &&
          code->uid_count == 1);
    if (code && code->uid_count == 1) {
      CHECK(code->uids[0]->start == code->uids[0]->end);
      uids[i] = code->uids[0]->start;
      uidvalidity = (uint32_t)code->number;
    }
    imap_response_code_free(code);
    code = NULL;
    result_done(&r);
  }
  CHECK(uids[0] < uids[1] && uids[1] < uids[2]);

  CHECK_CODE(c, imap_status(c, box, "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)", &r),
             IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_status(r, &st), IMAP_CODE_OK);
  CHECK(st && st->count == 1 && st->invalid_count == 0);
  if (st && st->count == 1) {
    const imap_status_info *s = st->entries[0];
    CHECK(bytes_is(s->mailbox.raw, box) && bytes_is(s->mailbox.name, box));
    CHECK(s->has_messages && s->messages == 3 && s->has_unseen && s->unseen == 3);
    CHECK(s->has_uidnext && s->uidnext == uids[2] + 1 && s->has_uidvalidity &&
          s->uidvalidity == uidvalidity && s->has_recent && s->has_deleted == 0 &&
          s->other_count == 0);
  }
  imap_status_list_free(st);
  result_done(&r);

  CHECK_CODE(c, imap_select(c, box, 0, &r), IMAP_CODE_OK);
  result_done(&r);
  CHECK_CODE(c, imap_client_mailbox(c, &info), IMAP_CODE_OK);
  CHECK(info && info->exists == 3 && info->read_only == 0 && info->uidvalidity == uidvalidity &&
        info->has_permanent_flags && info->permanent_flag_count > 0 &&
        info->uidnext == uids[2] + 1);
  imap_mailbox_info_free(info);

  CHECK_CODE(c, imap_uid(c, "FETCH", uid_fetch, 2, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_fetch(r, &f), IMAP_CODE_OK);
  CHECK(f && f->count == 3);
  if (f && f->count == 3) {
    for (i = 0; i < 3; i++)
      CHECK(f->messages[i]->valid && f->messages[i]->has_uid && f->messages[i]->uid == uids[i] &&
            f->messages[i]->other_count == 0);
    check_mixed(f->messages[0]);
    check_alternative(f->messages[1]);
    check_forward(f->messages[2]);
  }
  imap_fetch_list_free(f);
  result_done(&r);

  CHECK_CODE(c, imap_search(c, NULL, all, 1, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_search(r, &sr), IMAP_CODE_OK);
  CHECK(sr && sr->count == 3 && sr->ids[0] == 1 && sr->ids[1] == 2 && sr->ids[2] == 3 &&
        sr->invalid_count == 0 && sr->has_modseq == 0);
  imap_search_result_free(sr);
  sr = NULL;
  result_done(&r);

  CHECK_CODE(c, imap_sort(c, "REVERSE DATE", "UTF-8", all, 1, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_search(r, &sr), IMAP_CODE_OK);
  CHECK(sr && sr->count == 3 && sr->ids[0] == 3 && sr->ids[1] == 2 && sr->ids[2] == 1);
  imap_search_result_free(sr);
  result_done(&r);

  CHECK_CODE(c, imap_search(c, NULL, esearch, 3, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_response(c, "ESEARCH", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_esearch(r, &es), IMAP_CODE_OK);
  CHECK(es && es->count == 1 && es->invalid_count == 0);
  if (es && es->count == 1) {
    const imap_esearch_info *e = es->entries[0];
    CHECK(e->tag.data != NULL && e->uid == 0 && e->has_min && e->min == 1 && e->has_max &&
          e->max == 3 && e->has_count && e->count == 3 && e->has_all && e->all_count == 1 &&
          e->all[0]->start == 1 && e->all[0]->end == 3);
  }
  imap_esearch_list_free(es);
  es = NULL;
  result_done(&r);
  /* SEARCH as ESEARCH in one call (Dovecot offers ESEARCH) */
  CHECK_CODE(c, imap_esearch_auto(c, "UTF-8", all, 1, &es), IMAP_CODE_OK);
  CHECK(es && es->count == 1 && es->entries[0]->has_count && es->entries[0]->count == 3 &&
        es->entries[0]->min == 1 && es->entries[0]->max == 3 && es->entries[0]->all_count == 1);
  imap_esearch_list_free(es);
  es = NULL;
  CHECK(imap_esearch_auto(c, NULL, all, 1, NULL) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK_CODE(c, imap_esearch_auto(c, NULL, NULL, 1, &es), IMAP_CODE_INVALID_ARGUMENT);
  CHECK(es == NULL);
  /* UID SORT / UID THREAD with the charset left to its default (UTF-8) */
  CHECK_CODE(c, imap_uid_sort_parsed(c, "REVERSE DATE", NULL, all, 1, &sr), IMAP_CODE_OK);
  CHECK(sr && sr->count == 3 && sr->ids[0] == uids[2] && sr->ids[2] == uids[0]);
  imap_search_result_free(sr);
  sr = NULL;
  CHECK_CODE(c, imap_uid_thread_parsed(c, "REFERENCES", NULL, all, 1, &th), IMAP_CODE_OK);
  CHECK(th && th->root_count == 2 && th->node_count == 3 &&
        th->nodes[th->roots[0]]->id == uids[0]);
  imap_thread_list_free(th);
  th = NULL;

  CHECK_CODE(c, imap_thread(c, "REFERENCES", "UTF-8", all, 1, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_thread(r, &th), IMAP_CODE_OK);
  /* (1 2)(3): two threads, message 2 answers message 1 */
  CHECK(th && th->root_count == 2 && th->node_count == 3 && th->invalid_count == 0);
  if (th && th->root_count == 2 && th->node_count == 3) {
    const imap_thread_node *first = th->nodes[th->roots[0]], *second = th->nodes[th->roots[1]];
    CHECK(first->has_id && first->id == 1 && first->has_parent == 0 && first->child_count == 1);
    if (first->child_count == 1) {
      const imap_thread_node *reply = th->nodes[first->children[0]];
      CHECK(reply->has_id && reply->id == 2 && reply->has_parent &&
            reply->parent == th->roots[0] && reply->child_count == 0);
    }
    CHECK(second->has_id && second->id == 3 && second->child_count == 0);
  }
  imap_thread_list_free(th);
  result_done(&r);

  /* COPYUID keeps its UID sets as ranges */
  CHECK_CODE(c, imap_copy(c, "1:3", box2, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_COPYUID && code->number > 0 &&
        code->source_uid_count >= 1 && code->uid_count >= 1);
  if (code && code->kind == IMAP_RESPONSE_CODE_KIND_COPYUID) {
    uint64_t n_src = 0, n_dst = 0;
    for (i = 0; i < code->source_uid_count; i++)
      n_src += code->source_uids[i]->end - code->source_uids[i]->start + 1u;
    for (i = 0; i < code->uid_count; i++)
      n_dst += code->uids[i]->end - code->uids[i]->start + 1u;
    CHECK(n_src == 3 && n_dst == 3 && code->source_uids[0]->start == uids[0]);
  }
  imap_response_code_free(code);
  code = NULL;
  result_done(&r);

  /* TRYCREATE, and a NO parses to an empty list */
  CHECK_CODE(c, imap_copy(c, "1", missing, &r), IMAP_CODE_NO);
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_TRYCREATE && code->data.data == NULL &&
        code->has_number == 0 && code->number == 0);
  imap_response_code_free(code);
  code = NULL;
  CHECK_CODE(c, imap_parse_status(r, &st), IMAP_CODE_OK);
  CHECK(st && st->count == 0 && st->invalid_count == 0);
  imap_status_list_free(st);
  result_done(&r);
  /* no code at all */
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_code(r, &code), IMAP_CODE_OK);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_NONE && code->name.data == NULL);
  imap_response_code_free(code);
  result_done(&r);

  /* ACL, MYRIGHTS, LISTRIGHTS */
  CHECK_CODE(c, imap_getacl(c, box, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_acl(r, &acl), IMAP_CODE_OK);
  CHECK(acl && acl->count == 1 && bytes_is(acl->entries[0]->mailbox.name, box) &&
        acl->entries[0]->entry_count >= 1);
  if (acl && acl->count == 1) {
    int mine = 0;
    for (i = 0; i < acl->entries[0]->entry_count; i++)
      if (bytes_is(acl->entries[0]->entries[i]->identifier, "owner") ||
          bytes_is(acl->entries[0]->entries[i]->identifier, "user2"))
        mine = acl->entries[0]->entries[i]->rights.len > 0;
    CHECK(mine);
  }
  imap_acl_list_free(acl);
  result_done(&r);
  CHECK_CODE(c, imap_myrights(c, box, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_myrights(r, &my), IMAP_CODE_OK);
  CHECK(my && my->count == 1 && bytes_is(my->entries[0]->mailbox.raw, box) &&
        my->entries[0]->rights.len >= 5 && memchr(my->entries[0]->rights.data, 'l', my->entries[0]->rights.len) != NULL);
  imap_myrights_list_free(my);
  result_done(&r);
  CHECK_CODE(c, imap_listrights(c, box, "user1", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_listrights(r, &lr), IMAP_CODE_OK);
  CHECK(lr && lr->count == 1 && bytes_is(lr->entries[0]->identifier, "user1") &&
        lr->entries[0]->required.data != NULL && lr->entries[0]->optional_count > 0);
  imap_listrights_list_free(lr);
  result_done(&r);

  /* METADATA */
  CHECK_CODE(c, imap_setmetadata(c, box, meta_names, meta_values, 1, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_getmetadata(c, box, meta_names, 1, NULL, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_metadata(r, &md), IMAP_CODE_OK);
  CHECK(md && md->count == 1 && bytes_is(md->entries[0]->mailbox.raw, box) &&
        md->entries[0]->entry_count == 1);
  if (md && md->count == 1 && md->entries[0]->entry_count == 1)
    CHECK(bytes_is(md->entries[0]->entries[0]->name, "/private/comment") &&
          bytes_is(md->entries[0]->entries[0]->value, "parsed \"comment\""));
  imap_metadata_list_free(md);
  result_done(&r);

  /* QUOTAROOT and QUOTA */
  CHECK_CODE(c, imap_getquotaroot(c, "INBOX", &r, &r2), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_quotaroot(r, &qr), IMAP_CODE_OK);
  CHECK(qr && qr->count == 1 && bytes_is(qr->entries[0]->mailbox.name, "INBOX") &&
        qr->entries[0]->root_count == 1 && bytes_is(*qr->entries[0]->roots[0], "User quota"));
  imap_quotaroot_list_free(qr);
  CHECK_CODE(c, imap_parse_quota(r2, &q), IMAP_CODE_OK);
  CHECK(q && q->count >= 1 && bytes_is(q->entries[0]->root, "User quota") &&
        q->entries[0]->resource_count >= 1);
  if (q && q->count >= 1) {
    int storage = 0;
    for (i = 0; i < q->entries[0]->resource_count; i++)
      if (bytes_ieq(q->entries[0]->resources[i]->name, "STORAGE"))
        storage = q->entries[0]->resources[i]->limit > 0;
    CHECK(storage);
  }
  imap_quota_list_free(q);
  result_done(&r);
  result_done(&r2);

  /* the compositions, one call each, parsed */
  {
    imap_mailbox_quota *mq = NULL;
    CHECK_CODE(c, imap_quota_for(c, "INBOX", &mq), IMAP_CODE_OK);
    CHECK(mq && bytes_is(mq->mailbox.name, "INBOX") && mq->root_count == 1 &&
          bytes_is(*mq->roots[0], "User quota") && mq->quota_count >= 1 &&
          mq->invalid_count == 0);
    if (mq && mq->quota_count >= 1)
      CHECK(bytes_is(mq->quotas[0]->root, "User quota") && mq->quotas[0]->resource_count >= 1);
    imap_mailbox_quota_free(mq);
    CHECK(imap_quota_for(c, "INBOX", NULL) == IMAP_CODE_INVALID_ARGUMENT);
    imap_mailbox_quota_free(NULL);
  }
  CHECK_CODE(c, imap_getmetadata_parsed(c, box, meta_names, 1, NULL, &md), IMAP_CODE_OK);
  CHECK(md && md->count == 1 && md->entries[0]->entry_count == 1 &&
        bytes_is(md->entries[0]->entries[0]->value, "parsed \"comment\""));
  imap_metadata_list_free(md);
  md = NULL;

  CHECK_CODE(c, imap_close(c, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, box, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_delete(c, box2, NULL), IMAP_CODE_OK);
}

/* ---- UTF-8 mailbox names: sent in modified UTF-7, decoded back -------------------------- */

static void test_utf8_names(imap_client *c) {
  char base[64], name[128], *encoded = NULL;
  imap_result *r = NULL;
  imap_list_entries *l = NULL;
  imap_status_list *st = NULL;

  test_mailbox_name(base, sizeof base, "utf7");
  /* "ctest-utf7-...-Entwürfe-日本語" */
  snprintf(name, sizeof name, "%s-Entw\xc3\xbcrfe-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", base);
  CHECK(imap_utf7_encode(name, &encoded) == IMAP_CODE_OK && strstr(encoded, "&APw-") != NULL &&
        strstr(encoded, "&ZeVnLIqe-") != NULL);

  CHECK_CODE(c, imap_create(c, name, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_list(c, "", name, &r), IMAP_CODE_OK);
  CHECK(result_contains(r, encoded)); /* the server has it under the encoded name */
  CHECK_CODE(c, imap_parse_list(r, &l), IMAP_CODE_OK);
  CHECK(l && l->count == 1 && l->invalid_count == 0);
  if (l && l->count == 1) {
    CHECK(bytes_is(l->entries[0]->mailbox.raw, encoded));
    CHECK(bytes_is(l->entries[0]->mailbox.name, name));
    CHECK(l->entries[0]->attribute_count >= 1 && l->entries[0]->delimiter == '/');
  }
  imap_list_entries_free(l);
  l = NULL;
  result_done(&r);

  CHECK_CODE(c, imap_status(c, name, "(MESSAGES)", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_status(r, &st), IMAP_CODE_OK);
  CHECK(st && st->count == 1 && bytes_is(st->entries[0]->mailbox.name, name) &&
        st->entries[0]->has_messages && st->entries[0]->messages == 0);
  imap_status_list_free(st);
  result_done(&r);

  /* raw mode: names go as given, so the encoded name reaches the same mailbox */
  CHECK_CODE(c, imap_set_mailbox_encoding(c, IMAP_MAILBOX_ENCODING_RAW), IMAP_CODE_OK);
  CHECK_CODE(c, imap_list(c, "", encoded, &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_list(r, &l), IMAP_CODE_OK);
  CHECK(l && l->count == 1 && bytes_is(l->entries[0]->mailbox.name, name));
  imap_list_entries_free(l);
  result_done(&r);
  CHECK_CODE(c, imap_delete(c, encoded, NULL), IMAP_CODE_OK);
  CHECK_CODE(c, imap_set_mailbox_encoding(c, IMAP_MAILBOX_ENCODING_UTF7), IMAP_CODE_OK);
  imap_string_free(encoded);
}

/* ---- malformed data from a fake server: IMAP_CODE_PARSE, nothing lost ------------------- */

static void test_malformed(void) {
  /* untagged data, then the server hangs up: the NOOP aborts, the data stays kept (PREAUTH:
   * mailbox data received before login would be dropped) */
  static const char reply[] =
      "* 1 FETCH (UID 5 FLAGS (\\Seen))\r\n"
      "* 2 FETCH (UID x)\r\n"
      "* 3 FETCH (UID 7 X-GM-LABELS (\\Inbox) BODY[TEXT] {5}\r\nhello)\r\n"
      "* SEARCH 1 x 3\r\n"
      "* LIST (\\Noselect) \"/\" \"&Jjo\"\r\n"
      "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n"
      "* LIST oops\r\n";
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  imap_fetch_list *f = NULL;
  imap_search_result *sr = NULL;
  imap_list_entries *l = NULL;
  fake_server_start_greeting(&s, "* PREAUTH fake server ready\r\n", reply);
  c = fake_server_client(&s);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_ABORT);

  CHECK_CODE(c, imap_response(c, "FETCH", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_fetch(r, &f), IMAP_CODE_PARSE);
  CHECK(f && f->count == 3);
  if (f && f->count == 3) {
    const imap_fetch_message *bad = f->messages[1], *third = f->messages[2];
    CHECK(f->messages[0]->valid && f->messages[0]->uid == 5 && f->messages[0]->flag_count == 1 &&
          bytes_is(*f->messages[0]->flags[0], "\\Seen") && f->messages[0]->raw.data == NULL);
    CHECK(bad->valid == 0 && bad->seq == 2 && bad->has_uid == 0 &&
          bad->error_kind != IMAP_INVALID_KIND_NONE && bad->error && strstr(bad->error, "UID") &&
          bytes_is(bad->raw, "2 (UID x)") && bad->other_count == 1 &&
          bytes_is(bad->other[0]->name, "UID") && bytes_is(bad->other[0]->raw, "x"));
    /* an unknown item is kept raw in a valid message; a literal section is bytes */
    CHECK(third->valid && third->uid == 7 && third->other_count == 1 &&
          bytes_is(third->other[0]->name, "X-GM-LABELS") &&
          bytes_is(third->other[0]->raw, "(\\Inbox)") && third->section_count == 1 &&
          third->sections[0]->text == IMAP_SECTION_TEXT_TEXT &&
          bytes_is(third->sections[0]->data, "hello"));
  }
  imap_fetch_list_free(f);
  result_done(&r);

  CHECK_CODE(c, imap_response(c, "SEARCH", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_search(r, &sr), IMAP_CODE_PARSE);
  CHECK(sr && sr->count == 0 && sr->ids == NULL && sr->invalid_count == 1 &&
        sr->invalid[0]->kind != IMAP_INVALID_KIND_NONE && sr->invalid[0]->message != NULL &&
        bytes_is(sr->invalid[0]->raw, "1 x 3"));
  imap_search_result_free(sr);
  result_done(&r);

  CHECK_CODE(c, imap_response(c, "LIST", &r), IMAP_CODE_OK);
  CHECK_CODE(c, imap_parse_list(r, &l), IMAP_CODE_PARSE);
  CHECK(l && l->count == 2 && l->invalid_count == 1);
  if (l && l->count == 2 && l->invalid_count == 1) {
    /* an undecodable name: raw kept, decoded NIL */
    CHECK(bytes_is(l->entries[0]->mailbox.raw, "&Jjo") && l->entries[0]->mailbox.name.data == NULL);
    CHECK(bytes_is(l->entries[1]->mailbox.name, "Entw\xc3\xbcrfe") &&
          l->entries[1]->attribute_count == 1 &&
          bytes_is(*l->entries[1]->attributes[0], "\\HasNoChildren"));
    CHECK(bytes_is(l->invalid[0]->raw, "oops"));
  }
  imap_list_entries_free(l);
  result_done(&r);

  imap_client_free(c);
  fake_server_join(&s);
}

/* Real-server quirks are recorded (imap_fetch_message.quirks) and never invent entries; a
 * response code whose number breaks its grammar is IMAP_RESPONSE_CODE_KIND_INVALID. */
static void test_quirks_and_numbers(void) {
  static const char reply[] =
      "* 1 FETCH (UID 1 BODY[]<0>{5}\r\nhello)\r\n"
      "* 2 FETCH (UID 2 ENVELOPE (NIL \"s\" ((NIL NIL \"f\" \"x.org\")) NIL NIL ((NIL NIL \"friends\" NIL)"
      "(NIL NIL \"a\" \"x.org\")(NIL NIL \"b\" \"x.org\")(NIL NIL \"\" NIL)(\"C\" NIL \"c\" \"y.org\")) "
      "NIL NIL NIL NIL))\r\n"
      "$TAG OK [UIDVALIDITY 0] x\r\n";
  fake_server s;
  imap_client *cl;
  imap_result *r = NULL;
  imap_fetch_list *f = NULL;
  imap_response_code *code = NULL;
  fake_server_start_greeting(&s, "* PREAUTH fake server ready\r\n", reply);
  cl = fake_server_client(&s);
  CHECK_CODE(cl, imap_noop(cl, &r), IMAP_CODE_OK);
  CHECK_CODE(cl, imap_parse_code(r, &code), IMAP_CODE_PARSE);
  CHECK(code && code->kind == IMAP_RESPONSE_CODE_KIND_INVALID && bytes_is(code->name, "UIDVALIDITY") &&
        bytes_is(code->data, "0") && code->has_number == 0);
  imap_response_code_free(code);
  result_done(&r);
  CHECK_CODE(cl, imap_response(cl, "FETCH", &r), IMAP_CODE_OK);
  CHECK(imap_parse_fetch(r, &f) == IMAP_CODE_OK);
  CHECK(f && f->count == 2);
  if (f && f->count == 2) {
    const imap_fetch_message *g = f->messages[0], *c = f->messages[1];
    CHECK(g->valid && g->quirks == IMAP_QUIRK_LITERAL_WITHOUT_SPACE && g->section_count == 1 &&
          bytes_is(g->sections[0]->data, "hello"));
    /* 5 entries sent, 5 given: start, a, b, end (mailbox "" as sent), C */
    CHECK(c->valid && c->quirks == IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX && c->envelope &&
          c->envelope->to_count == 5);
    if (c->envelope && c->envelope->to_count == 5) {
      const imap_address *const *to = c->envelope->to;
      CHECK(to[0]->kind == IMAP_ADDRESS_KIND_GROUP_START && bytes_is(to[0]->mailbox, "friends"));
      CHECK(to[1]->kind == IMAP_ADDRESS_KIND_MAILBOX && to[2]->kind == IMAP_ADDRESS_KIND_MAILBOX);
      CHECK(to[3]->kind == IMAP_ADDRESS_KIND_GROUP_END && bytes_is(to[3]->mailbox, ""));
      CHECK(to[4]->kind == IMAP_ADDRESS_KIND_MAILBOX && bytes_is(to[4]->host, "y.org"));
    }
  }
  imap_fetch_list_free(f);
  result_done(&r);
  imap_client_free(cl);
  fake_server_join(&s);
}

int main(void) {
  imap_client *c;
  test_text();
  test_names();
  test_arguments();
  test_malformed();
  test_quirks_and_numbers();
  test_seeded_inbox();
  c = test_login(2);
  test_appended(c);
  test_utf8_names(c);
  test_logout(c);
  return test_finish("test_parsed");
}
