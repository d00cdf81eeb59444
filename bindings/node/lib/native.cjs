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
const imap_tm = koffi.struct('imap_tm', {
  year: 'int32_t',
  month: 'int32_t',
  day: 'int32_t',
  hour: 'int32_t',
  minute: 'int32_t',
  second: 'int32_t',
  offset_seconds: 'int32_t',
});
// SASL callback of imap_authenticate. The pointer arguments arrive as BigInt addresses; the
// response is written through them with koffi.encode (see index.cjs).
const imap_sasl_fn = koffi.proto(
  'int32_t imap_sasl_fn(void *user_data, const uint8_t *challenge, size_t challenge_len, void *response, void *response_len)',
);

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
  'int32_t imap_client_is_open(imap_client *client)',
  'int32_t imap_client_utf8_enabled(imap_client *client)',
  'int32_t imap_client_fd(imap_client *client)',
  'void imap_string_free(void *s)',
  'const char *imap_code_name(int32_t code)',
  'const char *imap_code_str(int32_t code)',
  'const char *imap_version()',
  'int32_t imap_version_number()',
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
  // authentication (the SASL callback is a registered koffi callback: see index.cjs)
  'int32_t imap_authenticate(imap_client *client, const char *mechanism, void *initial, size_t initial_len, imap_sasl_fn *callback, void *user_data, _Out_ imap_result **out)',
  'int32_t imap_login_plain(imap_client *client, const char *authzid, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_sasl_login(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_cram_md5(imap_client *client, const char *user, const char *password, _Out_ imap_result **out)',
  'int32_t imap_login_xoauth2(imap_client *client, const char *user, const char *token, _Out_ imap_result **out)',
  'int32_t imap_login_oauthbearer(imap_client *client, const char *user, const char *token, _Out_ imap_result **out)',
  // IDLE, stream connections, raw I/O
  'int32_t imap_idle_start(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_idle_wait(imap_client *client, uint32_t timeout_ms, _Out_ imap_result **out)',
  'int32_t imap_idle_done(imap_client *client, _Out_ imap_result **out)',
  'int32_t imap_open_stream(imap_client *client, const char *command)',
  // the line is passed as a raw pointer (native memory we allocate, as for imap_append)
  'int32_t imap_send_line(imap_client *client, void *line, size_t len)',
  'int32_t imap_read_response(imap_client *client, uint32_t timeout_ms, _Out_ imap_result **out)',
  // extensions
  'int32_t imap_getacl(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_setacl(imap_client *client, const char *mailbox, const char *who, const char *what, _Out_ imap_result **out)',
  'int32_t imap_deleteacl(imap_client *client, const char *mailbox, const char *who, _Out_ imap_result **out)',
  'int32_t imap_myrights(imap_client *client, const char *mailbox, _Out_ imap_result **out)',
  'int32_t imap_listrights(imap_client *client, const char *mailbox, const char *identifier, _Out_ imap_result **out)',
  'int32_t imap_getquota(imap_client *client, const char *root, _Out_ imap_result **out)',
  'int32_t imap_getquotaroot(imap_client *client, const char *mailbox, _Out_ imap_result **out_quotaroot, _Out_ imap_result **out_quota)',
  'int32_t imap_setquota(imap_client *client, const char *root, const char *limits, _Out_ imap_result **out)',
  'int32_t imap_getannotation(imap_client *client, const char *mailbox, const char *entry, const char *attribute, _Out_ imap_result **out)',
  'int32_t imap_setannotation(imap_client *client, const char **args, size_t nargs, _Out_ imap_result **out)',
  'int32_t imap_getmetadata(imap_client *client, const char *mailbox, const char **entries, size_t nentries, const char *options, _Out_ imap_result **out)',
  'int32_t imap_setmetadata(imap_client *client, const char *mailbox, const char **entries, const char **values, size_t count, _Out_ imap_result **out)',
  'int32_t imap_proxyauth(imap_client *client, const char *user, _Out_ imap_result **out)',
  'int32_t imap_partial(imap_client *client, const char *message_num, const char *message_part, const char *start, const char *length, _Out_ imap_result **out)',
  'int32_t imap_sort(imap_client *client, const char *sort_criteria, const char *charset, const char **search_criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_thread(imap_client *client, const char *threading_algorithm, const char *charset, const char **search_criteria, size_t ncriteria, _Out_ imap_result **out)',
  'int32_t imap_enable(imap_client *client, const char *capability, _Out_ imap_result **out)',
  'int32_t imap_id(imap_client *client, const char **names, const char **values, size_t count, _Out_ imap_result **out)',
  // utilities (no handle; pure computations, called synchronously)
  'int32_t imap_int2ap(int64_t num, _Out_ void **out)',
  'int32_t imap_parse_flags(const uint8_t *resp, size_t len, _Out_ imap_result **out)',
  'int32_t imap_internaldate2tuple(const uint8_t *resp, size_t len, _Out_ int32_t *found, _Out_ int64_t *utc_seconds, _Out_ int32_t *offset_seconds, _Out_ imap_tm *tm)',
  'int32_t imap_time2internaldate(int64_t utc_seconds, int32_t offset_seconds, _Out_ void **out)',
  'int32_t imap_time2internaldate_tm(const imap_tm *tm, _Out_ void **out)',
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

module.exports = { koffi, lib, fn, imap_item, imap_tm, imap_sasl_fn, libraryPath };
