/*
 * imap.h on its own: built as C99 with -pedantic -Wall -Wextra -Werror (ctest c_header) and,
 * through test_header.cpp, as C++11 (cxx_header). The compile-time version macros must equal
 * the loaded library's imap_version() and imap_version_number(). No server needed.
 */
#include "imap.h"

#include <stdio.h>
#include <string.h>

#if !defined(IMAP_VERSION_MAJOR) || !defined(IMAP_VERSION_MINOR) || \
    !defined(IMAP_VERSION_PATCH) || !defined(IMAP_VERSION_NUMBER)
#error "imap.h must define the IMAP_VERSION_* macros"
#endif
#if IMAP_VERSION_NUMBER != IMAP_VERSION_MAJOR * 10000 + IMAP_VERSION_MINOR * 100 + IMAP_VERSION_PATCH
#error "IMAP_VERSION_NUMBER does not match IMAP_VERSION_MAJOR/MINOR/PATCH"
#endif

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  failures += !ok;
}

int main(void) {
  char numbers[64];
  /* A string literal: it concatenates with others at compile time. */
  static const char banner[] = "libimap " IMAP_VERSION_STRING;
  imap_client *client = NULL;

  snprintf(numbers, sizeof numbers, "%d.%d.%d", IMAP_VERSION_MAJOR, IMAP_VERSION_MINOR,
           IMAP_VERSION_PATCH);
  printf("%s; library %s (%d)\n", banner, imap_version(), (int)imap_version_number());
  check(strcmp(IMAP_VERSION_STRING, numbers) == 0, "IMAP_VERSION_STRING spells the numbers");
  check(strcmp(imap_version(), IMAP_VERSION_STRING) == 0, "imap_version() == IMAP_VERSION_STRING");
  check(imap_version_number() == IMAP_VERSION_NUMBER,
        "imap_version_number() == IMAP_VERSION_NUMBER");
  /* The enums and the handle are usable as declared, from C and C++ alike. */
  check(imap_client_new(&client) == IMAP_CODE_OK && client != NULL, "imap_client_new");
  check(imap_client_state(client) == IMAP_STATE_LOGOUT, "a new client is in LOGOUT state");
  check(strcmp(imap_code_name(IMAP_CODE_TLS), "IMAP_CODE_TLS") == 0, "imap_code_name");
  {
    imap_limit id = IMAP_LIMIT_UNTAGGED;
    uint64_t value = 0;
    imap_log_fn log = NULL;
    check(imap_set_limit(client, id, 1u << 20) == IMAP_CODE_OK &&
              imap_get_limit(client, IMAP_LIMIT_UNTAGGED, &value) == IMAP_CODE_OK &&
              value == 1u << 20,
          "imap_set_limit / imap_get_limit with an imap_limit");
    check(imap_set_log_callback(client, log, NULL) == IMAP_CODE_OK, "imap_set_log_callback");
    check(strcmp(imap_log_level_name(IMAP_LOG_TRACE), "IMAP_LOG_TRACE") == 0,
          "imap_log_level_name");
    check(imap_interrupt(client) == IMAP_CODE_OK && imap_interrupt_clear(client) == 1,
          "imap_interrupt is kept, imap_interrupt_clear disarms it");
    check(imap_wake(client) == IMAP_CODE_OK, "imap_wake");
  }
  imap_client_free(client);
  return failures == 0 ? 0 : 1;
}
