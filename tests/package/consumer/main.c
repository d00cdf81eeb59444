/*
 * The consumer of an installed libimap (tests/package/run.sh builds it with CMake, with
 * pkg-config and statically): checks that the header and the library agree on the version,
 * then logs in, selects a mailbox and sends a NOOP.
 *
 * usage: app HOST PORT USER PASSWORD
 */
#include <imap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(imap_client *c, const char *what, imap_code code) {
  fprintf(stderr, "%s: %s: %s\n", what, imap_code_name(code), imap_last_error(c));
  imap_client_free(c);
  return 1;
}

int main(int argc, char **argv) {
  imap_client *c = NULL;
  imap_code code;

  if (argc != 5) {
    fprintf(stderr, "usage: app HOST PORT USER PASSWORD\n");
    return 2;
  }
  if (strcmp(imap_version(), IMAP_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s, library %s\n", IMAP_VERSION_STRING, imap_version());
    return 1;
  }
  if ((code = imap_client_new(&c)) != IMAP_CODE_OK)
    return fail(c, "new", code);
  if ((code = imap_open(c, argv[1], (uint16_t)atoi(argv[2]), IMAP_TLS_MODE_NONE)) != IMAP_CODE_OK)
    return fail(c, "open", code);
  if ((code = imap_login(c, argv[3], argv[4], NULL)) != IMAP_CODE_OK)
    return fail(c, "login", code);
  if ((code = imap_select(c, "INBOX", 1, NULL)) != IMAP_CODE_OK)
    return fail(c, "select", code);
  if ((code = imap_noop(c, NULL)) != IMAP_CODE_OK)
    return fail(c, "noop", code);
  imap_logout(c, NULL);
  imap_client_free(c);
  printf("libimap %s: login, select and noop OK\n", imap_version());
  return 0;
}
