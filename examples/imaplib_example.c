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
#include <string.h>

#include "example_util.h"

int main(int argc, char **argv) {
  example_opts o;
  imap_client *M;
  imap_result *data;
  char numbers[65536], *num;

  example_parse(argc, argv, &o, 1,
                "imaplib_example [--ssl | --starttls] [--ca CAFILE] HOST PORT USER PASSWORD");
  M = example_login(&o);
  example_check(M, imap_select(M, "INBOX", 0, NULL), "select");

  const char *all[] = {"ALL"};
  example_check(M, imap_search(M, NULL, all, 1, &data), "search");
  const imap_item *line = imap_result_item(data, 0); /* data[0]: "1 2 3 ..." */
  snprintf(numbers, sizeof numbers, "%.*s", (int)line->len, (const char *)line->data);
  imap_result_free(data);

  for (num = strtok(numbers, " "); num; num = strtok(NULL, " ")) {
    example_check(M, imap_fetch(M, num, "(RFC822)", &data), "fetch");
    const imap_item *msg = imap_result_item(data, 0); /* data[0][1]: the literal */
    printf("Message %s\n", num);
    example_write(stdout, msg->literal, msg->literal_len);
    printf("\n");
    imap_result_free(data);
  }

  example_check(M, imap_close(M, NULL), "close");
  example_check(M, imap_logout(M, NULL), "logout");
  imap_client_free(M);
  return 0;
}
