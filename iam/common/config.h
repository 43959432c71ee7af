// Config: everything iamd can be told, and where it is read from. Sources in
// rising precedence: built-in defaults, a YAML file (--config or IAM_CONFIG),
// IAM_* environment variables, command-line flags. Plain data once loaded.
#ifndef IAM_COMMON_CONFIG_H_
#define IAM_COMMON_CONFIG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace iam {

struct Config {
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "./iam-data";
  // "sqlite:///path/iam.db" or "mysql://user:pass@host:port/db"; empty means
  // SQLite under data_dir.
  std::string store;
  // 32 bytes, base64 or 64 hex digits, in a file or in IAM_MASTER_KEY. With
  // SQLite and no key configured, one is generated under data_dir (0600).
  std::string master_key_file;
  std::string master_key;  // from the environment only: never a flag
  std::string log_level = "info";
  std::string log_format = "json";
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;  // enables mTLS
  bool tls_require_client_cert = false;
  int64_t max_message_bytes = 4 * 1024 * 1024;
  int64_t store_pool_size = 8;
  int64_t close_grace_days = 60;
  int64_t purge_interval_seconds = 3600;
  std::string bootstrap_admin_username = "admin";
  // "<key id>.<secret>" to create the first admin's key with (unattended
  // installs); from the environment only.
  std::string bootstrap_access_key;
  // Where to write the first admin's key (0600) besides printing it.
  std::string bootstrap_key_file;
  // Written with "host:port" once the server listens (scripts and tests).
  std::string ready_file;

  // The HTTP side listener (JWKS, OpenID discovery, health); "off" disables.
  std::string http_listen = "127.0.0.1:8080";
  std::string http_tls_cert_file;  // TLS on the HTTP listener too
  std::string http_tls_key_file;
  // The HTTP listener's threads: I/O (every connection) and handlers (the
  // requests, which may wait on the store); 0 means one per core, and
  // four per core.
  int64_t http_io_threads = 0;
  int64_t http_handler_threads = 0;
  // The tokens' "iss"; empty means http(s)://<http_listen>.
  std::string issuer;
  std::string mfa_issuer = "IAM";  // the name authenticator apps show
  // How often a replica looks for policy changes made through others.
  int64_t authz_poll_ms = 250;
  // How often each replica merges its last-used data (which principal was
  // last allowed which action) into the store; 0: not recorded.
  int64_t access_flush_seconds = 10;
  // How long Check and online VerifyToken keep answering from the last
  // state read while the store is unreachable (0: fail closed at once).
  int64_t store_outage_grace_seconds = 60;
  // Largest identity / resource policy document (0: AWS's 6,144 / 20,480).
  int64_t policy_max_bytes = 0;
  int64_t resource_policy_max_bytes = 0;
  std::string token_signing_alg = "ES256";  // ES256 | EdDSA | RS256
  int64_t signing_key_rotation_days = 30;   // 0 = on command only
  int64_t argon2_memory_kib = 19 * 1024;
  int64_t argon2_iterations = 2;
  int64_t argon2_parallelism = 1;
  int64_t hash_threads = 0;  // 0 = one per core
  int64_t hash_queue = 64;   // logins waiting for a hash thread before RESOURCE_EXHAUSTED
  std::string password_blocklist_file;  // added to the built-in list
  // Secret shared with the front end that mints human-challenge passes;
  // from the environment only.
  std::string challenge_secret;
  // The human challenge: "proof-of-work" (built in), "hosted" (a captcha
  // service), "pass" (minted by a front end with challenge_secret) or
  // "off"; empty: "pass" with a secret, else "proof-of-work".
  std::string challenge_kind;
  int64_t challenge_pow_bits = 16;
  std::string challenge_verify_url;
  std::string challenge_script_url;
  std::string challenge_site_key;
  std::string challenge_response_field = "cf-turnstile-response";
  // Comma-separated CIDRs whose LoginRequest.client_ip is believed.
  std::string trusted_proxies;
  int64_t throttle_window_seconds = 15 * 60;
  int64_t throttle_slow_after = 10;
  int64_t throttle_slow_delay_ms = 2000;
  int64_t throttle_block_after = 25;
  int64_t throttle_block_seconds = 30 * 60;
  // Outbound HTTP (a client's jwks_uri): the deadline of one request, and
  // whether destinations in private or reserved networks may be reached
  // (off by default: an account admin's URL must not reach this host's
  // network); extra trust anchors for https peers.
  int64_t fetch_timeout_ms = 5000;
  bool fetch_private_networks = false;
  std::string fetch_ca_file;
  // A copy of iam/web/{templates,messages} whose files replace the
  // built-in ones of the same name; empty: the built-in pages.
  std::string web_assets_dir;
  // How often a replica looks for ended sessions to tell clients of
  // (back-channel logout) and retries deliveries; 0: never.
  int64_t logout_poll_ms = 1000;

  std::string StoreUrl() const;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses argv (flags, --config) and the environment. Returns INVALID_ARGUMENT
// with the offending key for a bad value; `--help` yields a CANCELLED status
// whose message is the help text.
absl::StatusOr<Config> LoadConfig(int argc, const char* const* argv, const EnvLookup& env);

// The process environment.
EnvLookup ProcessEnv();

// The store URL with any password replaced by "***", for logs.
std::string RedactUrl(const std::string& url);

}  // namespace iam

#endif  // IAM_COMMON_CONFIG_H_
