/* imap_set_ca_file with a bundle: every certificate of the file is trusted, in any order; a
 * bundle without the test CA fails with IMAP_CODE_TLS, and so does a file with no certificate.
 * The unrelated CAs are generated fresh with the openssl command. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/libimap-ctest-ca-XXXXXX";

/* Appends the file `from` to `out` (opened for writing). */
static void append_file(FILE *out, const char *from) {
  char buf[4096];
  size_t n;
  FILE *in = fopen(from, "rb");
  CHECK(in != NULL);
  if (!in)
    return;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    CHECK(fwrite(buf, 1, n, out) == n);
  fclose(in);
}

/* dir/NAME.pem: a freshly generated self-signed CA that did not sign the server's certificate. */
static void make_unrelated_ca(const char *name) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
           "-subj '/CN=libimap unrelated test CA %s' -keyout '%s/%s.key' -out '%s/%s.pem' "
           ">/dev/null 2>&1",
           name, dir, name, dir, name);
  CHECK(system(cmd) == 0);
}

/* Writes dir/NAME from the files of `parts` (NULL-terminated; "CA" is the server's CA). */
static const char *bundle(const char *name, const char *const *parts) {
  static char path[256];
  char part[256];
  FILE *out;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  out = fopen(path, "wb");
  CHECK(out != NULL);
  if (!out)
    return path;
  for (; *parts; parts++) {
    if (strcmp(*parts, "CA") == 0)
      snprintf(part, sizeof part, "%s", test_env("DOVECOT_CA"));
    else
      snprintf(part, sizeof part, "%s/%s", dir, *parts);
    append_file(out, part);
  }
  fclose(out);
  return path;
}

/* Opens with only `ca_file` trusted, by implicit TLS and by STARTTLS; expects `want`. */
static void open_with(const char *ca_file, int want) {
  static const struct {
    int32_t mode;
    const char *port;
  } ways[] = {{IMAP_TLS_MODE_IMPLICIT, "DOVECOT_IMAPS_PORT"},
              {IMAP_TLS_MODE_STARTTLS, "DOVECOT_IMAP_PORT"}};
  size_t i;
  for (i = 0; i < sizeof ways / sizeof ways[0]; i++) {
    imap_client *c = NULL;
    CHECK_CODE(c, imap_client_new(&c), IMAP_CODE_OK);
    CHECK_CODE(c, imap_set_timeouts(c, 20000, 30000), IMAP_CODE_OK);
    CHECK_CODE(c, imap_set_ca_file(c, ca_file), IMAP_CODE_OK);
    if (!CHECK_CODE(c,
                    imap_open(c, test_env("DOVECOT_HOST"), test_port(ways[i].port),
                              ways[i].mode),
                    want)) {
      fprintf(stderr, "    CA file %s\n", ca_file);
      imap_client_free(c);
    } else if (want == IMAP_CODE_OK) {
      CHECK(imap_client_is_tls(c) == 1);
      CHECK_CODE(c, imap_login(c, "user3", "pass3", NULL), IMAP_CODE_OK);
      test_logout(c);
    } else {
      /* the error names the file or the verification that failed */
      CHECK(strstr(imap_last_error(c), "certificate verify failed") ||
            strstr(imap_last_error(c), ca_file));
      CHECK(imap_client_is_tls(c) == 0);
      imap_client_free(c);
    }
  }
}

int main(void) {
  const char *right_last[] = {"a.pem", "CA", NULL};
  const char *right_first[] = {"CA", "a.pem", NULL};
  const char *right_middle[] = {"a.pem", "CA", "b.pem", NULL};
  const char *unrelated[] = {"a.pem", "b.pem", NULL};
  const char *none[] = {"a.key", NULL};
  char cmd[128];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  make_unrelated_ca("a");
  make_unrelated_ca("b");

  open_with(bundle("right-last.pem", right_last), IMAP_CODE_OK);
  open_with(bundle("right-first.pem", right_first), IMAP_CODE_OK);
  open_with(bundle("right-middle.pem", right_middle), IMAP_CODE_OK);
  open_with(bundle("unrelated.pem", unrelated), IMAP_CODE_TLS);
  open_with(bundle("no-certificate.pem", none), IMAP_CODE_TLS);

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return test_finish("test_ca_bundle");
}
