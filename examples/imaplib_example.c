/*
 * The example of Python's imaplib documentation, with libimap's C API:
 *
 *     M = imaplib.IMAP4(host, port)
 *     M.login(user, password)
 *     M.select()
 *     typ, data = M.search(None, 'ALL')
 *     for num in data[0].split():
 *         typ, data = M.fetch(num, '(RFC822)')
 *         print('Message %s\n%s\n' % (num, data[0][1]))
 *     M.close()
 *     M.logout()
 *
 * usage: imaplib_example [--ssl | --starttls] [--ca CAFILE] [HOST [PORT [USER [PASSWORD]]]]
 * Missing arguments come from IMAP_HOST, IMAP_PORT, IMAP_USER and IMAP_PASSWORD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"

static imap_client *M;

/* Reports a failed call and exits. */
static void check(imap_code code, const char *what) {
  if (code != IMAP_CODE_OK) {
    fprintf(stderr, "%s failed: %s: %s\n", what, imap_code_name(code), imap_last_error(M));
    imap_client_free(M);
    exit(1);
  }
}

static const char *arg_or_env(int argc, char **argv, int i, const char *name) {
  const char *v = i < argc ? argv[i] : getenv(name);
  if (!v) {
    fprintf(stderr, "missing %s (argument or environment)\n", name);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  int32_t tls = IMAP_TLS_MODE_NONE;
  const char *cafile = NULL, *host, *user, *password;
  imap_result *data;
  char numbers[65536], *num;
  int i = 1;

  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--ssl") == 0) /* imaplib.IMAP4_SSL */
      tls = IMAP_TLS_MODE_IMPLICIT;
    else if (strcmp(argv[i], "--starttls") == 0)
      tls = IMAP_TLS_MODE_STARTTLS;
    else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
      cafile = argv[++i];
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  host = arg_or_env(argc, argv, i, "IMAP_HOST");
  int port = atoi(arg_or_env(argc, argv, i + 1, "IMAP_PORT"));
  user = arg_or_env(argc, argv, i + 2, "IMAP_USER");
  password = arg_or_env(argc, argv, i + 3, "IMAP_PASSWORD");

  check(imap_client_new(&M), "imap_client_new");
  check(imap_set_ca_file(M, cafile), "imap_set_ca_file");
  check(imap_open(M, host, (uint16_t)port, tls), "connect");
  check(imap_login(M, user, password, NULL), "login");
  check(imap_select(M, "INBOX", 0, NULL), "select");

  const char *all[] = {"ALL"};
  check(imap_search(M, NULL, all, 1, &data), "search");
  const imap_item *line = imap_result_item(data, 0); /* data[0]: "1 2 3 ..." */
  snprintf(numbers, sizeof numbers, "%.*s", (int)line->len, (const char *)line->data);
  imap_result_free(data);

  for (num = strtok(numbers, " "); num; num = strtok(NULL, " ")) {
    check(imap_fetch(M, num, "(RFC822)", &data), "fetch");
    const imap_item *msg = imap_result_item(data, 0); /* data[0][1]: the literal */
    printf("Message %s\n", num);
    fwrite(msg->literal, 1, msg->literal_len, stdout);
    printf("\n");
    imap_result_free(data);
  }

  check(imap_close(M, NULL), "close");
  check(imap_logout(M, NULL), "logout");
  imap_client_free(M);
  return 0;
}
