/*
 * Saves one message, byte for byte, to a file: login, EXAMINE the mailbox (read-only, so the
 * \Seen flag is left alone), FETCH N (BODY.PEEK[]) and write the literal to FILE.
 *
 * usage: save_message [--ssl | --starttls] [--ca CAFILE] HOST PORT USER PASSWORD MAILBOX N FILE
 */
#include <stdio.h>

#include "example_util.h"

#define USAGE \
  "save_message [--ssl | --starttls] [--ca CAFILE] HOST PORT USER PASSWORD MAILBOX N FILE"

int main(int argc, char **argv) {
  example_opts o;
  imap_client *c;
  imap_result *r = NULL;
  const imap_item *msg;
  const char *mailbox, *num, *path;
  FILE *f;
  int ok;

  example_parse(argc, argv, &o, 1, USAGE);
  if (argc - o.next != 3) {
    fprintf(stderr, "usage: %s\n", USAGE);
    return 2;
  }
  mailbox = argv[o.next];
  num = argv[o.next + 1];
  path = argv[o.next + 2];

  c = example_login(&o);
  example_check(c, imap_select(c, mailbox, 1, NULL), "select (read-only)");
  example_check(c, imap_fetch(c, num, "(BODY.PEEK[])", &r), "fetch");

  /* data[0] is the (header, literal) pair: "1 (BODY[] {1234}" and the message itself */
  msg = imap_result_item(r, 0);
  if (!msg || msg->kind != IMAP_ITEM_KIND_LITERAL) {
    fprintf(stderr, "message %s not found in %s\n", num, mailbox);
    imap_result_free(r);
    imap_client_free(c);
    return 1;
  }
  f = fopen(path, "wb");
  ok = f && fwrite(msg->literal, 1, msg->literal_len, f) == msg->literal_len;
  ok = f && fclose(f) == 0 && ok;
  if (ok)
    printf("saved message %s of %s (%zu bytes) to %s\n", num, mailbox, msg->literal_len, path);
  else
    perror(path);
  imap_result_free(r);

  example_check(c, imap_logout(c, NULL), "logout");
  imap_client_free(c);
  return ok ? 0 : 1;
}
