'use strict';
// The koffi declarations of libimap's C ABI (include/imap.h), one line per function.
// Internal module: the public API is in ../index.cjs.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const PACKAGE_ROOT = path.join(__dirname, '..');

/**
 * Where libimap.so is looked for: $LIBIMAP_PATH, else the repository's
 * ../../target/release/libimap.so (relative to the package root), else the system name
 * libimap.so.0 (resolved by the dynamic loader: ld.so.cache, LD_LIBRARY_PATH...).
 */
function findLibrary() {
  if (process.env.LIBIMAP_PATH) return process.env.LIBIMAP_PATH;
  const inRepo = path.resolve(PACKAGE_ROOT, '..', '..', 'target', 'release', 'libimap.so');
  if (fs.existsSync(inRepo)) return inRepo;
  return 'libimap.so.0';
}

// koffi runs a native call on a stack of its own; for async calls (worker threads) that stack
// is 128 KiB by default, too little headroom for Rust + OpenSSL (a TLS handshake, a large
// response). Give async calls a 2 MiB stack, like a Rust thread's default. koffi accepts a new
// configuration only before its first library load; if another module loaded one first, the
// defaults stay (and we say so once).
try {
  const cfg = koffi.config();
  if (cfg.async_stack_size < 2 << 20) koffi.config({ ...cfg, async_stack_size: 2 << 20 });
} catch (e) {
  process.emitWarning(
    `libimap: could not raise koffi's async stack size (${e.message}); keeping ${koffi.config().async_stack_size} bytes`,
    'LibimapWarning',
  );
}

const libraryPath = findLibrary();
let lib;
try {
  lib = koffi.load(libraryPath);
} catch (e) {
  const err = new Error(
    `libimap: cannot load ${libraryPath} (${e.message}). Build it with \`cargo build --release\` ` +
      'at the repository root, or set LIBIMAP_PATH to the path of libimap.so.',
  );
  err.code = 'ERR_LIBIMAP_LOAD';
  err.cause = e;
  throw err;
}

koffi.opaque('imap_client');
koffi.opaque('imap_result');
const imap_item = koffi.struct('imap_item', {
  kind: 'int32_t',
  data: 'const uint8_t *',
  len: 'size_t',
  literal: 'const uint8_t *',
  literal_len: 'size_t',
});

const decls = [
  // handle, settings, accessors
  'int32_t imap_client_new(_Out_ imap_client **out)',
  'void imap_client_free(imap_client *client)',
  'int32_t imap_open(imap_client *client, const char *host, uint16_t port, int32_t tls_mode)',
  'int32_t imap_shutdown(imap_client *client)',
  'int32_t imap_interrupt(imap_client *client)',
  'const char *imap_last_error(const imap_client *client)',
  'int32_t imap_set_timeouts(imap_client *client, uint32_t connect_ms, uint32_t io_ms)',
  'int32_t imap_set_limits(imap_client *client, uint64_t max_line, uint64_t max_literal, uint64_t max_response, uint64_t max_untagged)',
  'int32_t imap_set_tls_verify(imap_client *client, int32_t verify)',
  'int32_t imap_set_ca_file(imap_client *client, const char *path)',
  'int32_t imap_set_client_cert(imap_client *client, const char *certfile, const char *keyfile)',
  'int32_t imap_set_debug(imap_client *client, int32_t level)',
  'int32_t imap_client_state(imap_client *client)',
  'void *imap_client_capabilities(imap_client *client)',
  'int32_t imap_client_has_capability(imap_client *client, const char *capability)',
  'const char *imap_client_protocol_version(imap_client *client)',
  'void *imap_client_welcome(imap_client *client)',
  'int32_t imap_client_is_readonly(imap_client *client)',
  'int32_t imap_client_is_tls(imap_client *client)',
  'void imap_string_free(void *s)',
  'const char *imap_code_name(int32_t code)',
  'const char *imap_code_str(int32_t code)',
  // commands
  'int32_t imap_capability(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_noop(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_login(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_logout(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_starttls(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_select(imap_client *client, const char *mailbox, int32_t readonly, _Out_ imap_result **out)',
  'int32_t imap_status(imap_client *client, const char *mailbox, const char *names, _Out_ imap_result **out)',
  'int32_t imap_list(imap_client *client, const char *directory, const char *pattern, _Out_ imap_result **out)',
  'int32_t imap_lsub(imap_client *client, const char *directory, const char *pattern, _Out_ imap_result **out)',
  'int32_t imap_create(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_delete(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_rename(imap_client *client, const char *oldmailbox, const char *newmailbox, _Out_ imap_result **out)',
  'int32_t imap_subscribe(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_unsubscribe(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  // the message is passed as a raw pointer (native memory we allocate; see index.cjs)
  'int32_t imap_append(imap_client *client, const char *mailbox, const char *flags, const char *date_time, void *message, size_t message_len, _Out_ imap_result **out)',
  'int32_t imap_check(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_close(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_unselect(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_expunge(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_search(imap_client *client, const char *charset, const char **criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_fetch(imap_client *client, const char *message_set, const char *message_parts, _Out_ imap_result **out)',
  'int32_t imap_store(imap_client *client, const char *message_set, const char *command, const char *flags, _Out_ imap_result **out)',
  'int32_t imap_copy(imap_client *client, const char *message_set, const char *new_mailbox, _Out_ imap_result **out)',
  'int32_t imap_move(imap_client *client, const char *message_set, const char *new_mailbox, _Out_ imap_result **out)',
  'int32_t imap_uid(imap_client *client, const char *command, const char **args, size_t nargs, _Out_ imap_result **out)',
  'int32_t imap_namespace(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_response(imap_client *client, const char *code, _Out_ imap_result **out)',
  'int32_t imap_recent(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_xatom(imap_client *client, const char *name, const char **args, size_t nargs, _Out_ imap_result **out)',
  // results
  'const char *imap_result_type(const imap_result *result)',
  'size_t imap_result_count(const imap_result *result)',
  'const imap_item *imap_result_item(const imap_result *result, size_t index)',
  'const char *imap_result_status(const imap_result *result)',
  'const uint8_t *imap_result_text(const imap_result *result, _Out_ size_t *len)',
  'const char *imap_result_code(const imap_result *result)',
  'const uint8_t *imap_result_code_data(const imap_result *result, _Out_ size_t *len)',
  'void imap_result_free(imap_result *result)',
];

const fn = {};
for (const d of decls) {
  const f = lib.func(d);
  fn[f.info.name] = f;
}

module.exports = { koffi, lib, fn, imap_item, libraryPath };
