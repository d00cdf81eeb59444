/* A server that goes away: a fake server closing mid-response or after BYE, and the test
 * Dovecot's imap process for this connection (only that one) killed -> IMAP_CODE_ABORT, no
 * hang, and IMAP_CODE_CLOSED afterwards. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fake server answers the first command with `reply`, then hangs up. */
static void abort_after(const char *reply, const char *error_part) {
  fake_server s;
  imap_client *c;
  imap_result *r = NULL;
  double t0;
  fake_server_start(&s, reply);
  c = fake_server_client(&s);
  t0 = now_ms();
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_ABORT);
  CHECK(now_ms() - t0 < 10000);
  CHECK(strstr(imap_last_error(c), error_part) != NULL);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, &r), IMAP_CODE_CLOSED);
  CHECK(r == NULL);
  imap_client_free(c);
  fake_server_join(&s);
}

/* ---- finding this connection's Dovecot process through /proc ---------------------------- */

/* The first /proc/net/tcp entry matching the non-zero arguments: its inode, and its local
 * port in *local. */
static unsigned long tcp_entry(unsigned long inode, unsigned local_port, unsigned remote_port,
                               unsigned *local) {
  FILE *f = fopen("/proc/net/tcp", "r");
  char line[512];
  unsigned long found = 0;
  while (f && !found && fgets(line, sizeof line, f)) {
    unsigned lp, rp;
    unsigned long in;
    if (sscanf(line, " %*d: %*x:%x %*x:%x %*x %*x:%*x %*x:%*x %*x %*d %*d %lu", &lp, &rp,
               &in) == 3 &&
        (!inode || in == inode) && (!local_port || lp == local_port) &&
        (!remote_port || rp == remote_port) && in) {
      found = in;
      if (local)
        *local = lp;
    }
  }
  if (f)
    fclose(f);
  return found;
}

/* The first pid (other than ours) holding socket `inode`, or 0. */
static pid_t socket_owner(unsigned long inode) {
  char want[64], path[600], link[64];
  DIR *proc = opendir("/proc");
  struct dirent *p;
  pid_t found = 0;
  snprintf(want, sizeof want, "socket:[%lu]", inode);
  while (proc && !found && (p = readdir(proc))) {
    DIR *fds;
    struct dirent *fd;
    if (p->d_name[0] < '1' || p->d_name[0] > '9' || atoi(p->d_name) == getpid())
      continue;
    snprintf(path, sizeof path, "/proc/%s/fd", p->d_name);
    if (!(fds = opendir(path)))
      continue;
    while (!found && (fd = readdir(fds))) {
      ssize_t n;
      snprintf(path, sizeof path, "/proc/%s/fd/%s", p->d_name, fd->d_name);
      n = readlink(path, link, sizeof link - 1);
      if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
        found = atoi(p->d_name);
    }
    closedir(fds);
  }
  if (proc)
    closedir(proc);
  return found;
}

/* The local port of our (only) connection to `server_port`, or 0. */
static unsigned our_local_port(unsigned server_port) {
  char path[300], link[64];
  DIR *fds = opendir("/proc/self/fd");
  struct dirent *fd;
  unsigned port = 0;
  while (fds && !port && (fd = readdir(fds))) {
    unsigned long inode;
    ssize_t n;
    snprintf(path, sizeof path, "/proc/self/fd/%s", fd->d_name);
    n = readlink(path, link, sizeof link - 1);
    if (n > 0 && (link[n] = '\0', sscanf(link, "socket:[%lu]", &inode) == 1))
      tcp_entry(inode, 0, server_port, &port);
  }
  if (fds)
    closedir(fds);
  return port;
}

static void test_dovecot_killed(void) {
  imap_client *c = test_login(3);
  imap_result *r = NULL;
  unsigned server_port = test_port("DOVECOT_IMAP_PORT");
  unsigned client_port = our_local_port(server_port);
  unsigned long server_inode = client_port ? tcp_entry(0, server_port, client_port, NULL) : 0;
  pid_t pid = server_inode ? socket_owner(server_inode) : 0;
  char comm[64] = "";
  FILE *f;
  double t0;

  CHECK(client_port != 0 && server_inode != 0 && pid > 0);
  if (pid <= 0) {
    imap_client_free(c);
    return;
  }
  snprintf(comm, sizeof comm, "/proc/%d/comm", (int)pid);
  if ((f = fopen(comm, "r"))) {
    if (!fgets(comm, sizeof comm, f))
      comm[0] = '\0';
    fclose(f);
  }
  CHECK(strncmp(comm, "imap\n", 5) == 0); /* never the master or a shared process */
  if (strncmp(comm, "imap\n", 5) == 0)
    kill(pid, SIGKILL);
  sleep_ms(200);

  t0 = now_ms();
  CHECK_CODE(c, imap_select(c, "INBOX", 1, &r), IMAP_CODE_ABORT);
  CHECK(now_ms() - t0 < 10000);
  CHECK(strlen(imap_last_error(c)) > 0);
  result_done(&r);
  CHECK_CODE(c, imap_noop(c, NULL), IMAP_CODE_CLOSED);
  imap_client_free(c);
}

int main(void) {
  abort_after("* 1 FETCH (BODY[] {100}\r\nonly part of the literal", "");
  abort_after("* 1 FETCH (FLAGS (\\Seen", "");
  abort_after("* BYE going away\r\n", "going away");
  test_dovecot_killed();
  return test_finish("test_abort");
}
