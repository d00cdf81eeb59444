/* imaplib's module utilities through the C ABI, with imaplib's test vectors (reference §3):
 * imap_int2ap, imap_parse_flags, imap_internaldate2tuple, imap_time2internaldate(_tm).
 * No server needed. */
#include "common.h"

#include <string.h>

static void test_int2ap(void) {
  static const struct { int64_t num; const char *want; } cases[] = {
      {0, ""}, {1, "B"}, {15, "P"}, {16, "BA"}, {4096, "BAAA"}, {65535, "PPPP"}, {-17, "BB"},
  };
  size_t i;
  char *s = (char *)&s; /* must be replaced */
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK(imap_int2ap(cases[i].num, &s) == IMAP_CODE_OK);
    CHECK(s != NULL && strcmp(s, cases[i].want) == 0);
    imap_string_free(s);
  }
  CHECK(imap_int2ap(1, NULL) == IMAP_CODE_INVALID_ARGUMENT);
}

static void test_parse_flags(void) {
  static const char resp[] = "1 (FLAGS (\\Seen \\Deleted) UID 3)";
  static const char perm[] = "* OK [PERMANENTFLAGS (\\Seen \\*)]";
  imap_result *r = NULL;
  CHECK(imap_parse_flags((const uint8_t *)resp, strlen(resp), &r) == IMAP_CODE_OK);
  CHECK(strcmp(imap_result_type(r), "FLAGS") == 0);
  CHECK(imap_result_count(r) == 2);
  CHECK(item_is(r, 0, IMAP_ITEM_KIND_LINE, "\\Seen"));
  CHECK(item_is(r, 1, IMAP_ITEM_KIND_LINE, "\\Deleted"));
  result_done(&r);
  CHECK(imap_parse_flags((const uint8_t *)perm, strlen(perm), &r) == IMAP_CODE_OK);
  CHECK(imap_result_count(r) == 2 && item_is(r, 1, IMAP_ITEM_KIND_LINE, "\\*"));
  result_done(&r);
  CHECK(imap_parse_flags((const uint8_t *)"1 (UID 3)", 9, &r) == IMAP_CODE_OK);
  CHECK(r != NULL && imap_result_count(r) == 0); /* imaplib's () */
  result_done(&r);
  CHECK(imap_parse_flags(NULL, 0, &r) == IMAP_CODE_OK && imap_result_count(r) == 0);
  result_done(&r);
  CHECK(imap_parse_flags(NULL, 3, &r) == IMAP_CODE_INVALID_ARGUMENT && r == NULL);
  CHECK(imap_parse_flags((const uint8_t *)resp, strlen(resp), NULL) ==
        IMAP_CODE_INVALID_ARGUMENT);
}

static int parse_date(const char *resp, int32_t *found, int64_t *secs, int32_t *off,
                      imap_tm *tm) {
  return imap_internaldate2tuple((const uint8_t *)resp, strlen(resp), found, secs, off, tm);
}

static void test_internaldate2tuple(void) {
  static const char *same[] = {
      "25 (INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")",
      "25 (INTERNALDATE \"01-Jan-2000 11:30:00 +1130\")",
      "25 (INTERNALDATE \"31-Dec-1999 12:30:00 -1130\")",
  };
  int32_t found = -1, off = 1;
  int64_t secs = 0;
  imap_tm tm;
  size_t i;
  for (i = 0; i < sizeof same / sizeof same[0]; i++) {
    CHECK(parse_date(same[i], &found, &secs, &off, &tm) == IMAP_CODE_OK);
    CHECK(found == 1 && secs == 946684800);
  }
  CHECK(off == -(11 * 3600 + 30 * 60));
  CHECK(tm.year == 1999 && tm.month == 12 && tm.day == 31 && tm.hour == 12 &&
        tm.minute == 30 && tm.second == 0 && tm.offset_seconds == off);
  /* space-padded day; NULL outputs are allowed */
  CHECK(parse_date("1 (INTERNALDATE \" 8-Feb-1994 05:06:07 +0100\")", NULL, &secs, NULL,
                   NULL) == IMAP_CODE_OK);
  CHECK(secs == 760680367);
  /* no INTERNALDATE: imaplib's None */
  CHECK(parse_date("1 (UID 3)", &found, &secs, &off, &tm) == IMAP_CODE_OK);
  CHECK(found == 0 && secs == 0 && off == 0 && tm.year == 0);
  /* unknown month: imaplib's KeyError */
  CHECK(parse_date("INTERNALDATE \"01-Foo-2000 00:00:00 +0000\"", &found, &secs, &off,
                   &tm) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(found == 0);
  CHECK(imap_internaldate2tuple(NULL, 5, &found, NULL, NULL, NULL) ==
        IMAP_CODE_INVALID_ARGUMENT);
}

static void test_time2internaldate(void) {
  static const char want[] = "\"18-May-2033 05:33:20 +0200\"";
  imap_tm tm = {2033, 5, 18, 5, 33, 20, 7200};
  imap_tm bad = {2023, 2, 29, 0, 0, 0, 0};
  char *s = NULL;
  CHECK(imap_time2internaldate(2000000000, 7200, &s) == IMAP_CODE_OK);
  CHECK(s && strcmp(s, want) == 0);
  imap_string_free(s);
  CHECK(imap_time2internaldate_tm(&tm, &s) == IMAP_CODE_OK);
  CHECK(s && strcmp(s, want) == 0);
  imap_string_free(s);
  CHECK(imap_time2internaldate(0, 0, &s) == IMAP_CODE_OK);
  CHECK(s && strcmp(s, "\"01-Jan-1970 00:00:00 +0000\"") == 0);
  imap_string_free(s);
  tm.day = 5, tm.month = 1, tm.year = 2020, tm.hour = 3, tm.minute = 4, tm.second = 5;
  tm.offset_seconds = -(5 * 3600 + 30 * 60);
  CHECK(imap_time2internaldate_tm(&tm, &s) == IMAP_CODE_OK);
  CHECK(s && strcmp(s, "\"05-Jan-2020 03:04:05 -0530\"") == 0);
  imap_string_free(s);

  s = (char *)&s;
  CHECK(imap_time2internaldate_tm(&bad, &s) == IMAP_CODE_INVALID_ARGUMENT && s == NULL);
  CHECK(imap_time2internaldate(0, 30, &s) == IMAP_CODE_INVALID_ARGUMENT && s == NULL);
  CHECK(imap_time2internaldate(INT64_MAX, 0, &s) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_time2internaldate_tm(NULL, &s) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_time2internaldate(0, 0, NULL) == IMAP_CODE_INVALID_ARGUMENT);
}

static void test_literal_owner(void) {
  static const char first[] = "* 12 FETCH (ENVELOPE (NIL \"UID 9\") UID 7 body[1]<0> {100}";
  static const char later[] = " BODY[TEXT] {2}";
  uint32_t seq = 99, uid = 99;
  char *item = NULL;
  CHECK(imap_literal_owner((const uint8_t *)first, strlen(first), &seq, &uid, &item) == IMAP_CODE_OK);
  CHECK(seq == 12 && uid == 7 && item && strcmp(item, "BODY[1]<0>") == 0);
  imap_string_free(item);
  CHECK(imap_literal_owner((const uint8_t *)later, strlen(later), &seq, &uid, &item) == IMAP_CODE_PARSE);
  CHECK(seq == 0 && uid == 0 && item == NULL);
  CHECK(imap_literal_owner(NULL, 3, &seq, &uid, &item) == IMAP_CODE_INVALID_ARGUMENT);
  CHECK(imap_literal_owner((const uint8_t *)first, strlen(first), &seq, &uid, NULL) == IMAP_CODE_INVALID_ARGUMENT);
}

int main(void) {
  test_literal_owner();
  test_int2ap();
  test_parse_flags();
  test_internaldate2tuple();
  test_time2internaldate();
  return test_finish("test_util");
}
