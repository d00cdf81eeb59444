/*
 * A small interactive IMAP shell. Reads commands from stdin, one per line, and prints the
 * server's responses with libimap's debug trace (level 4 unless --debug says otherwise):
 *
 *     login USER PASSWORD   LOGIN through imap_login: the password never appears in the
 *                           trace (it shows <redacted>) or in the output
 *     append MAILBOX FILE   APPEND the message in FILE (CRLF line ends, sent as they are)
 *                           through imap_append_fd: read while it is sent, in constant memory
 *     quit                  LOGOUT and exit (also at end of input)
 *     anything else         sent as a tagged command line ("s1 select INBOX") with
 *                           imap_send_line; every response up to the tagged one is read with
 *                           imap_read_response and printed
 *
 * Blank lines and lines starting with # are skipped. With --progress, or when stderr is a
 * terminal, messages sent or received (64 KiB or more) draw a progress bar on stderr
 * (imap_set_progress_callback, see example_util.c).
 *
 * usage: imap_shell [--ssl | --starttls] [--ca CAFILE] [--debug LEVEL] [--progress] HOST PORT
 *        < script
 */
#define _POSIX_C_SOURCE 200809L /* open, fstat */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "example_util.h"

#define USAGE                                                                              \
  "imap_shell [--ssl | --starttls] [--ca CAFILE] [--debug LEVEL] [--progress] HOST PORT\n"  \
  "Reads commands from stdin, one per line, and prints the responses and the trace:\n"     \
  "  login USER PASSWORD   LOGIN (the password is never shown)\n"                          \
  "  append MAILBOX FILE   APPEND the message in FILE (CRLF line ends), streamed from the\n" \
  "                        file in constant memory\n"                                       \
  "  quit                  LOGOUT and exit (also at end of input)\n"                        \
  "  anything else         sent as a tagged command line (\"s1 select INBOX\")"

/* Trace callback: runs on this thread, during libimap calls. */
static void trace(void *user_data, imap_log_level level, const char *message) {
  (void)user_data;
  printf("trace[%d]: %s\n", (int)level, message);
}

/* 1 if the line's first word is `word`, in any case. */
static int first_word_is(const char *line, const char *word) {
  size_t n = strlen(word), i;
  for (i = 0; i < n; i++)
    if (tolower((unsigned char)line[i]) != word[i])
      return 0;
  return line[n] == '\0' || line[n] == ' ';
}

static void do_login(imap_client *c, char *args) {
  char *user = strtok(args, " "), *password = strtok(NULL, " ");
  imap_result *r = NULL;
  imap_code code;
  if (!user || !password) {
    printf("usage: login USER PASSWORD\n");
    return;
  }
  code = imap_login(c, user, password, &r);
  example_print_result(stdout, r);
  if (code != IMAP_CODE_OK)
    printf("login: %s: %s\n", imap_code_name(code), imap_last_error(c));
  imap_result_free(r);
}

/* append MAILBOX FILE: the file's size is the literal's, its bytes go out as they are read. */
static void do_append(imap_client *c, char *args) {
  char *mailbox = strtok(args, " "), *path = strtok(NULL, "");
  imap_result *r = NULL;
  imap_code code;
  struct stat st;
  int fd;
  if (!mailbox || !path) {
    printf("usage: append MAILBOX FILE\n");
    return;
  }
  fd = open(path, O_RDONLY);
  if (fd < 0 || fstat(fd, &st) != 0) {
    printf("append: %s: %s\n", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return;
  }
  if (!S_ISREG(st.st_mode)) { /* the size must be known before the first byte is sent */
    printf("append: %s: not a regular file\n", path);
    close(fd);
    return;
  }
  code = imap_append_fd(c, mailbox, NULL, 0, NULL, (uint64_t)st.st_size, fd, &r);
  close(fd);
  example_print_result(stdout, r);
  if (code != IMAP_CODE_OK)
    printf("append: %s: %s\n", imap_code_name(code), imap_last_error(c));
  else
    printf("appended %s (%lld bytes) to %s\n", path, (long long)st.st_size, mailbox);
  imap_result_free(r);
}

/* Sends "TAG LINE" and prints responses until the tagged one; returns 0 if the connection
 * failed or timed out. */
static int do_raw(imap_client *c, const char *line, unsigned tag_number) {
  char tagged[8400], tag[16];
  int done = 0;
  snprintf(tag, sizeof tag, "s%u ", tag_number);
  snprintf(tagged, sizeof tagged, "%s%s", tag, line);
  example_check(c, imap_send_line(c, (const uint8_t *)tagged, strlen(tagged)), "send");
  while (!done) {
    imap_result *r = NULL;
    size_t i;
    imap_code code = imap_read_response(c, 30000, &r);
    if (code != IMAP_CODE_OK || !r) {
      printf("read: %s: %s\n", r ? imap_code_name(code) : "timeout", imap_last_error(c));
      return 0;
    }
    example_print_result(stdout, r);
    for (i = 0; i < imap_result_count(r); i++) {
      const imap_item *it = imap_result_item(r, i);
      done |= it->len >= strlen(tag) && memcmp(it->data, tag, strlen(tag)) == 0;
    }
    imap_result_free(r);
  }
  return 1;
}

int main(int argc, char **argv) {
  example_opts o;
  imap_client *c;
  imap_result *r = NULL;
  char line[8192];
  unsigned tag_number = 0;
  int open = 1;

  example_parse(argc, argv, &o, 0, USAGE);
  if (o.debug == 0)
    o.debug = 4; /* every line sent and received */
  o.trace = trace;
  c = example_connect(&o);

  while (open && fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0' || line[0] == '#')
      continue;
    if (first_word_is(line, "quit"))
      break;
    if (first_word_is(line, "login"))
      do_login(c, line + 5);
    else if (first_word_is(line, "append"))
      do_append(c, line + 6);
    else
      open = do_raw(c, line, ++tag_number);
    fflush(stdout);
  }

  if (open && imap_client_is_open(c)) {
    imap_logout(c, &r);
    if (r) {
      printf("%s ", imap_result_type(r)); /* "BYE", then the server's BYE text */
      example_print_result(stdout, r);
    }
    imap_result_free(r);
  }
  imap_client_free(c);
  return open ? 0 : 1;
}
