/* The performance benchmark's workloads through libimap's C ABI (benches/README.md).
 *
 *   libimap_w <w1|w1s|w2|w2e|w3|w4|w5>
 *
 * Environment: IMAP_HOST, IMAP_PORT, IMAP_TLS_PORT, IMAP_CA, IMAP_USER, IMAP_PASS,
 * BENCH_W1_MAILBOX, BENCH_W4_MAILBOX. Prints one RESULT line (bench_measure.h).
 *   w1   imap_uid("FETCH", "1:*", "BODY.PEEK[]") into a result kept until the end
 *   w1s  the same with the literal callback: bodies streamed, not kept
 *   w2   imap_uid("FETCH", "1:*", "(ENVELOPE BODYSTRUCTURE)") then imap_parse_fetch, all kept
 *   w2e  imap_uid_fetch_each, message by message
 *   w3   1,000 x imap_fetch(n, "(FLAGS)") + imap_parse_fetch for the flags
 *   w4   the 100 MiB message through the literal callback
 *   w5   50 x (imap_open implicit TLS with IMAP_CA, imap_login, imap_select INBOX, imap_logout)
 * Results are freed after the figures are taken (w1, w2: "held until the end"). */
#include "bench_measure.h"

#include "imap.h"

static void fail(imap_client *c, const char *what, imap_code code) {
  fprintf(stderr, "libimap_w: %s: %s (%s)\n", what, c ? imap_last_error(c) : "",
          imap_code_name(code));
  exit(1);
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) {
    fprintf(stderr, "libimap_w: %s is not set\n", name);
    exit(2);
  }
  return v;
}

static int32_t on_literal(void *user_data, const uint8_t *line, size_t line_len, uint64_t size,
                          uint64_t offset, const uint8_t *chunk, size_t chunk_len) {
  unsigned long long *total = user_data;
  (void)line, (void)line_len, (void)size, (void)offset, (void)chunk;
  *total += chunk_len;
  return 0;
}

/* The w2 check: from addresses plus the root's child parts (0 for a single part). */
static unsigned long long structure_count(const imap_fetch_message *msg) {
  unsigned long long n = 0;
  if (msg->envelope)
    n += msg->envelope->from_count;
  if (msg->body_structure && msg->body_structure->multipart)
    n += msg->body_structure->child_count;
  return n;
}

static int32_t on_message(void *ctx, const imap_fetch_message *msg) {
  *(unsigned long long *)ctx += structure_count(msg);
  return 0;
}

static imap_client *connect_plain(void) {
  imap_client *c = NULL;
  imap_code code;
  if ((code = imap_client_new(&c)) != IMAP_CODE_OK)
    fail(NULL, "imap_client_new", code);
  /* a 77 MB result is more than the default 96 MiB of untagged data once counted as memory */
  imap_set_limit(c, IMAP_LIMIT_UNTAGGED, 1024ull << 20);
  imap_set_limit(c, IMAP_LIMIT_RESPONSE, 1024ull << 20);
  if ((code = imap_open(c, env("IMAP_HOST"), (uint16_t)atoi(env("IMAP_PORT")),
                        IMAP_TLS_MODE_NONE)) != IMAP_CODE_OK)
    fail(c, "imap_open", code);
  if ((code = imap_login(c, env("IMAP_USER"), env("IMAP_PASS"), NULL)) != IMAP_CODE_OK)
    fail(c, "imap_login", code);
  return c;
}

static void examine(imap_client *c, const char *mailbox) {
  imap_code code = imap_select(c, mailbox, 1, NULL);
  if (code != IMAP_CODE_OK)
    fail(c, "imap_select", code);
}

static imap_result *uid_fetch(imap_client *c, const char *items) {
  const char *args[2] = {"1:*", items};
  imap_result *r = NULL;
  imap_code code = imap_uid(c, "FETCH", args, 2, &r);
  if (code != IMAP_CODE_OK)
    fail(c, "UID FETCH", code);
  return r;
}

static void w5(bench_mark *m) {
  imap_client *c = NULL;
  imap_code code;
  const char *host = env("IMAP_HOST"), *user = env("IMAP_USER"), *pass = env("IMAP_PASS");
  const char *ca = env("IMAP_CA");
  uint16_t port = (uint16_t)atoi(env("IMAP_TLS_PORT"));
  unsigned long long check = 0;
  int i;
  bench_start(m);
  if ((code = imap_client_new(&c)) != IMAP_CODE_OK)
    fail(NULL, "imap_client_new", code);
  if ((code = imap_set_ca_file(c, ca)) != IMAP_CODE_OK)
    fail(c, "imap_set_ca_file", code);
#ifndef BENCH_DEFAULT_TRUST
  /* the CA file alone, as the floor and imaplib (ssl.create_default_context(cafile=...))
   * trust; libimap's default adds the system's certificates (built with
   * -DBENCH_DEFAULT_TRUST, or on a build older than 1.1, which has no
   * imap_set_tls_system_roots) */
  if ((code = imap_set_tls_system_roots(c, 0)) != IMAP_CODE_OK)
    fail(c, "imap_set_tls_system_roots", code);
#endif
  for (i = 0; i < 50; i++) {
    if ((code = imap_open(c, host, port, IMAP_TLS_MODE_IMPLICIT)) != IMAP_CODE_OK)
      fail(c, "imap_open (TLS)", code);
    if ((code = imap_login(c, user, pass, NULL)) != IMAP_CODE_OK)
      fail(c, "imap_login", code);
    if ((code = imap_select(c, "INBOX", 0, NULL)) != IMAP_CODE_OK)
      fail(c, "imap_select", code);
    if ((code = imap_logout(c, NULL)) != IMAP_CODE_OK)
      fail(c, "imap_logout", code);
    check++;
  }
  imap_client_free(c);
  bench_end(m, "c", "w5", check);
}

int main(int argc, char **argv) {
  const char *w;
  imap_client *c;
  imap_result *r = NULL;
  imap_fetch_list *list = NULL;
  imap_code code;
  bench_mark m;
  unsigned long long check = 0;
  size_t i;
  if (argc != 2) {
    fprintf(stderr, "usage: libimap_w <w1|w1s|w2|w2e|w3|w4|w5>\n");
    return 2;
  }
  w = argv[1];
  if (strcmp(w, "w5") == 0) {
    w5(&m);
    return 0;
  }
  if (strcmp(w, "w1") && strcmp(w, "w1s") && strcmp(w, "w2") && strcmp(w, "w2e") &&
      strcmp(w, "w3") && strcmp(w, "w4")) {
    fprintf(stderr, "libimap_w: unknown workload %s\n", w);
    return 2;
  }
  c = connect_plain();
  examine(c, env(strcmp(w, "w4") == 0 ? "BENCH_W4_MAILBOX" : "BENCH_W1_MAILBOX"));
  if (strcmp(w, "w1s") == 0 || strcmp(w, "w4") == 0)
    imap_set_literal_callback(c, on_literal, &check, 1);

  bench_start(&m);
  if (strcmp(w, "w1") == 0) {
    size_t n;
    r = uid_fetch(c, "BODY.PEEK[]");
    for (i = 0, n = imap_result_count(r); i < n; i++)
      check += imap_result_item(r, i)->literal_len;
  } else if (strcmp(w, "w1s") == 0 || strcmp(w, "w4") == 0) {
    r = uid_fetch(c, "BODY.PEEK[]");
    imap_result_free(r); /* only the FETCH lines: the bodies went to the callback */
    r = NULL;
  } else if (strcmp(w, "w2") == 0) {
    r = uid_fetch(c, "(ENVELOPE BODYSTRUCTURE)");
    if ((code = imap_parse_fetch(r, &list)) != IMAP_CODE_OK)
      fail(c, "imap_parse_fetch", code);
    for (i = 0; i < list->count; i++)
      check += structure_count(list->messages[i]);
  } else if (strcmp(w, "w2e") == 0) {
    code = imap_uid_fetch_each(c, "1:*", "(ENVELOPE BODYSTRUCTURE)", on_message, &check);
    if (code != IMAP_CODE_OK)
      fail(c, "imap_uid_fetch_each", code);
  } else { /* w3 */
    int n;
    char set[16];
    for (n = 1; n <= 1000; n++) {
      snprintf(set, sizeof set, "%d", n);
      if ((code = imap_fetch(c, set, "(FLAGS)", &r)) != IMAP_CODE_OK)
        fail(c, "imap_fetch", code);
      if ((code = imap_parse_fetch(r, &list)) != IMAP_CODE_OK)
        fail(c, "imap_parse_fetch", code);
      for (i = 0; i < list->count; i++)
        check += list->messages[i]->flag_count;
      imap_fetch_list_free(list);
      imap_result_free(r);
      list = NULL;
      r = NULL;
    }
  }
  bench_end(&m, "c", w, check);

  imap_fetch_list_free(list);
  imap_result_free(r);
  imap_set_literal_callback(c, NULL, NULL, 0);
  imap_logout(c, NULL);
  imap_client_free(c);
  return 0;
}
