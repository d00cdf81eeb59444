/*
 * Logs in over STARTTLS with certificate verification: the server's certificate must chain to
 * a system CA or to the CA file given with --ca, and must name HOST. Any TLS failure (refused
 * STARTTLS, untrusted certificate, wrong host name) ends the connection before the password is
 * sent. Prints the TLS state and the capabilities after login, then logs out.
 *
 * usage: starttls_login [--ca CAFILE] HOST PORT USER PASSWORD
 */
#include <stdio.h>

#include "example_util.h"

int main(int argc, char **argv) {
  example_opts o;
  imap_client *c;
  char *caps;

  example_parse(argc, argv, &o, 1, "starttls_login [--ca CAFILE] HOST PORT USER PASSWORD");
  o.tls = IMAP_TLS_MODE_STARTTLS; /* STARTTLS before imap_open returns; verification is on */
  c = example_connect(&o);
  printf("STARTTLS done: TLS %s, certificate verified%s%s\n",
         imap_client_is_tls(c) ? "on" : "off", o.cafile ? " with " : "",
         o.cafile ? o.cafile : "");

  example_check(c, imap_login(c, o.user, o.password, NULL), "login");
  caps = imap_client_capabilities(c);
  printf("logged in as %s; capabilities: %s\n", o.user, caps);
  imap_string_free(caps);

  example_check(c, imap_logout(c, NULL), "logout");
  imap_client_free(c);
  return 0;
}
