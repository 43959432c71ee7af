#include "iam/common/config.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/process_metrics.h"
#include "iam/common/status_macros.h"

namespace iam {
namespace {

using Target = std::variant<std::string*, int64_t*, bool*>;

// One setting: its YAML path (dotted), environment variable and flag. An empty
// flag means the setting is never taken from argv (secrets).
struct Setting {
  const char* yaml;
  const char* env;
  const char* flag;
  const char* help;
  Target target;
};

std::vector<Setting> Settings(Config& c) {
  return {
      {"listen", "IAM_LISTEN", "--listen", "gRPC listen address (host:port)", &c.listen},
      {"data_dir", "IAM_DATA_DIR", "--data-dir", "directory of the embedded store", &c.data_dir},
      {"store", "IAM_STORE", "--store", "sqlite:///path or mysql://user:pass@host:port/db",
       &c.store},
      {"master_key_file", "IAM_MASTER_KEY_FILE", "--master-key-file",
       "file holding the 32-byte master key", &c.master_key_file},
      {"", "IAM_MASTER_KEY", "", "", &c.master_key},
      {"log.level", "IAM_LOG_LEVEL", "--log-level", "debug|info|warn|error", &c.log_level},
      {"log.format", "IAM_LOG_FORMAT", "--log-format", "json|text", &c.log_format},
      {"tls.cert_file", "IAM_TLS_CERT_FILE", "--tls-cert-file", "server certificate (PEM)",
       &c.tls_cert_file},
      {"tls.key_file", "IAM_TLS_KEY_FILE", "--tls-key-file", "server private key (PEM)",
       &c.tls_key_file},
      {"tls.client_ca_file", "IAM_TLS_CLIENT_CA_FILE", "--tls-client-ca-file",
       "CA bundle for client certificates (mTLS)", &c.tls_client_ca_file},
      {"tls.require_client_cert", "IAM_TLS_REQUIRE_CLIENT_CERT", "--tls-require-client-cert",
       "refuse clients without a certificate", &c.tls_require_client_cert},
      {"limits.max_message_bytes", "IAM_MAX_MESSAGE_BYTES", "--max-message-bytes",
       "largest gRPC message accepted", &c.max_message_bytes},
      {"store_pool_size", "IAM_STORE_POOL_SIZE", "--store-pool-size",
       "database connections per replica", &c.store_pool_size},
      {"accounts.close_grace_days", "IAM_CLOSE_GRACE_DAYS", "--close-grace-days",
       "days before a closed account's data is destroyed", &c.close_grace_days},
      {"accounts.purge_interval_seconds", "IAM_PURGE_INTERVAL_SECONDS",
       "--purge-interval-seconds", "how often the purge job runs", &c.purge_interval_seconds},
      {"bootstrap.admin_username", "IAM_BOOTSTRAP_ADMIN_USERNAME", "--bootstrap-admin-username",
       "first admin's username", &c.bootstrap_admin_username},
      {"", "IAM_BOOTSTRAP_ACCESS_KEY", "", "", &c.bootstrap_access_key},
      {"bootstrap.key_file", "IAM_BOOTSTRAP_KEY_FILE", "--bootstrap-key-file",
       "write the first admin's access key to this file (0600)", &c.bootstrap_key_file},
      {"ready_file", "IAM_READY_FILE", "--ready-file",
       "write host:port here once listening", &c.ready_file},
      {"http.listen", "IAM_HTTP_LISTEN", "--http-listen",
       "HTTP listener for JWKS and discovery (host:port, or off)", &c.http_listen},
      {"http.tls_cert_file", "IAM_HTTP_TLS_CERT_FILE", "--http-tls-cert-file",
       "certificate of the HTTP listener (PEM)", &c.http_tls_cert_file},
      {"http.tls_key_file", "IAM_HTTP_TLS_KEY_FILE", "--http-tls-key-file",
       "private key of the HTTP listener (PEM)", &c.http_tls_key_file},
      {"http.io_threads", "IAM_HTTP_IO_THREADS", "--http-io-threads",
       "threads reading and writing HTTP connections (0: one per core)", &c.http_io_threads},
      {"http.handler_threads", "IAM_HTTP_HANDLER_THREADS", "--http-handler-threads",
       "threads answering HTTP requests (0: four per core)", &c.http_handler_threads},
      {"tokens.issuer", "IAM_ISSUER", "--issuer", "the tokens' iss (default: the HTTP URL)",
       &c.issuer},
      {"mfa.issuer", "IAM_MFA_ISSUER", "--mfa-issuer",
       "the name authenticator apps show for TOTP factors", &c.mfa_issuer},
      {"authz.poll_ms", "IAM_AUTHZ_POLL_MS", "--authz-poll-ms",
       "how often policy changes made through other replicas are picked up", &c.authz_poll_ms},
      {"authz.access_flush_seconds", "IAM_ACCESS_FLUSH_SECONDS", "--access-flush-seconds",
       "how often last-used data is merged into the store (0: not recorded)",
       &c.access_flush_seconds},
      {"store.outage_grace_seconds", "IAM_STORE_OUTAGE_GRACE_SECONDS",
       "--store-outage-grace-seconds",
       "how long Check and VerifyToken answer from the last state read while the store is "
       "unreachable (0: fail closed at once)",
       &c.store_outage_grace_seconds},
      {"authz.policy_max_bytes", "IAM_POLICY_MAX_BYTES", "--policy-max-bytes",
       "largest identity policy (characters without white space; 0: 6144)", &c.policy_max_bytes},
      {"authz.resource_policy_max_bytes", "IAM_RESOURCE_POLICY_MAX_BYTES",
       "--resource-policy-max-bytes", "largest resource policy (0: 20480)",
       &c.resource_policy_max_bytes},
      {"tokens.signing_alg", "IAM_TOKEN_SIGNING_ALG", "--token-signing-alg",
       "ES256, EdDSA or RS256", &c.token_signing_alg},
      {"tokens.key_rotation_days", "IAM_SIGNING_KEY_ROTATION_DAYS", "--signing-key-rotation-days",
       "days between signing key rotations (0: on command only)", &c.signing_key_rotation_days},
      {"passwords.argon2_memory_kib", "IAM_ARGON2_MEMORY_KIB", "--argon2-memory-kib",
       "Argon2id memory cost", &c.argon2_memory_kib},
      {"passwords.argon2_iterations", "IAM_ARGON2_ITERATIONS", "--argon2-iterations",
       "Argon2id time cost", &c.argon2_iterations},
      {"passwords.argon2_parallelism", "IAM_ARGON2_PARALLELISM", "--argon2-parallelism",
       "Argon2id lanes", &c.argon2_parallelism},
      {"passwords.hash_threads", "IAM_HASH_THREADS", "--hash-threads",
       "password hashing threads (0: one per core)", &c.hash_threads},
      {"passwords.hash_queue", "IAM_HASH_QUEUE", "--hash-queue",
       "hashes waiting before logins are refused", &c.hash_queue},
      {"passwords.blocklist_file", "IAM_PASSWORD_BLOCKLIST_FILE", "--password-blocklist-file",
       "more refused passwords, one per line", &c.password_blocklist_file},
      {"", "IAM_CHALLENGE_SECRET", "", "", &c.challenge_secret},
      {"challenge.kind", "IAM_CHALLENGE_KIND", "--challenge-kind",
       "the human challenge after failed logins: proof-of-work, hosted, pass or off "
       "(default: pass when IAM_CHALLENGE_SECRET is set, else proof-of-work)",
       &c.challenge_kind},
      {"challenge.pow_bits", "IAM_CHALLENGE_POW_BITS", "--challenge-pow-bits",
       "proof-of-work: zero bits asked at first (each further failure adds one, up to 22)",
       &c.challenge_pow_bits},
      {"challenge.verify_url", "IAM_CHALLENGE_VERIFY_URL", "--challenge-verify-url",
       "hosted: the service's siteverify URL (its secret in IAM_CHALLENGE_SECRET)",
       &c.challenge_verify_url},
      {"challenge.script_url", "IAM_CHALLENGE_SCRIPT_URL", "--challenge-script-url",
       "hosted: the widget's script", &c.challenge_script_url},
      {"challenge.site_key", "IAM_CHALLENGE_SITE_KEY", "--challenge-site-key",
       "hosted: the site key the widget shows", &c.challenge_site_key},
      {"challenge.response_field", "IAM_CHALLENGE_RESPONSE_FIELD", "--challenge-response-field",
       "hosted: the form field the widget fills (cf-turnstile-response, h-captcha-response, "
       "g-recaptcha-response)",
       &c.challenge_response_field},
      {"login.trusted_proxies", "IAM_TRUSTED_PROXIES", "--trusted-proxies",
       "CIDRs whose client_ip is believed (comma-separated)", &c.trusted_proxies},
      {"login.throttle_window_seconds", "IAM_THROTTLE_WINDOW_SECONDS",
       "--throttle-window-seconds", "window of a source's failure count",
       &c.throttle_window_seconds},
      {"login.throttle_slow_after", "IAM_THROTTLE_SLOW_AFTER", "--throttle-slow-after",
       "failures of a source before it is slowed", &c.throttle_slow_after},
      {"login.throttle_slow_delay_ms", "IAM_THROTTLE_SLOW_DELAY_MS", "--throttle-slow-delay-ms",
       "gap a slowed source must leave between attempts", &c.throttle_slow_delay_ms},
      {"login.throttle_block_after", "IAM_THROTTLE_BLOCK_AFTER", "--throttle-block-after",
       "failures of a source before it is blocked", &c.throttle_block_after},
      {"login.throttle_block_seconds", "IAM_THROTTLE_BLOCK_SECONDS", "--throttle-block-seconds",
       "how long a source stays blocked", &c.throttle_block_seconds},
      {"fetch.timeout_ms", "IAM_FETCH_TIMEOUT_MS", "--fetch-timeout-ms",
       "deadline of an outbound HTTP request (a client's jwks_uri)", &c.fetch_timeout_ms},
      {"fetch.private_networks", "IAM_FETCH_PRIVATE_NETWORKS", "--fetch-private-networks",
       "let outbound requests reach loopback, private and link-local addresses",
       &c.fetch_private_networks},
      {"fetch.ca_file", "IAM_FETCH_CA_FILE", "--fetch-ca-file",
       "trust anchors (PEM) for outbound https instead of the system's", &c.fetch_ca_file},
      {"web.assets_dir", "IAM_WEB_ASSETS_DIR", "--web-assets-dir",
       "a directory of page templates and messages replacing the built-in ones",
       &c.web_assets_dir},
      {"logout.poll_ms", "IAM_LOGOUT_POLL_MS", "--logout-poll-ms",
       "how often ended sessions are looked for and back-channel logouts sent (0: never)",
       &c.logout_poll_ms},
  };
}

absl::Status Assign(const Setting& s, const std::string& value, absl::string_view source) {
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
  };
  if (auto* str = std::get_if<std::string*>(&s.target)) {
    **str = value;
  } else if (auto* num = std::get_if<int64_t*>(&s.target)) {
    if (!absl::SimpleAtoi(value, *num) || **num < 0) return bad("not a non-negative integer");
  } else if (auto* flag = std::get_if<bool*>(&s.target)) {
    if (!absl::SimpleAtob(value, *flag)) return bad("not a boolean");
  }
  return absl::OkStatus();
}

absl::Status ApplyYaml(const std::string& path, std::vector<Setting>& settings) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("config ", path, ": ", e.what()));
  }
  if (!root.IsMap() && !root.IsNull()) {
    return absl::InvalidArgumentError(absl::StrCat("config ", path, ": not a mapping"));
  }
  for (const Setting& s : settings) {
    if (*s.yaml == '\0') continue;
    YAML::Node node = YAML::Clone(root);
    bool found = true;
    for (absl::string_view part : absl::StrSplit(s.yaml, '.')) {
      if (!node.IsMap() || !node[std::string(part)]) {
        found = false;
        break;
      }
      node = node[std::string(part)];
    }
    if (!found) continue;
    if (!node.IsScalar()) {
      return absl::InvalidArgumentError(absl::StrCat("config ", path, ": ", s.yaml,
                                                     ": not a scalar"));
    }
    RETURN_IF_ERROR(Assign(s, node.Scalar(), absl::StrCat("config ", path, ": ", s.yaml)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string Config::StoreUrl() const {
  if (!store.empty()) return store;
  return absl::StrCat("sqlite://", data_dir, "/iam.db");
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<Config> LoadConfig(int argc, const char* const* argv, const EnvLookup& env) {
  Config config;
  std::vector<Setting> settings = Settings(config);

  CLI::App app{"iamd: the identity and access management service"};
  app.set_version_flag("--version", "iamd " + BuildVersion());
  std::string config_path = env("IAM_CONFIG").value_or("");
  app.add_option("--config", config_path, "YAML configuration file (IAM_CONFIG)");
  std::vector<std::pair<const Setting*, std::string>> flag_values(settings.size());
  std::vector<CLI::Option*> options(settings.size(), nullptr);
  for (size_t i = 0; i < settings.size(); ++i) {
    if (*settings[i].flag == '\0') continue;
    const std::string help = absl::StrCat(settings[i].help, " (", settings[i].env, ")");
    options[i] = app.add_option(settings[i].flag, flag_values[i].second, help);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return absl::CancelledError(app.help());
  } catch (const CLI::CallForVersion&) {
    return absl::CancelledError("iamd 0.1.0\n");
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }

  if (!config_path.empty()) RETURN_IF_ERROR(ApplyYaml(config_path, settings));
  for (const Setting& s : settings) {
    if (auto v = env(s.env)) RETURN_IF_ERROR(Assign(s, *v, s.env));
  }
  for (size_t i = 0; i < settings.size(); ++i) {
    if (options[i] != nullptr && options[i]->count() > 0) {
      RETURN_IF_ERROR(Assign(settings[i], flag_values[i].second, settings[i].flag));
    }
  }
  if (config.log_format != "json" && config.log_format != "text") {
    return absl::InvalidArgumentError("log format: must be json or text");
  }
  if (config.max_message_bytes < 1024) {
    return absl::InvalidArgumentError("max message bytes: at least 1024");
  }
  if (config.store_pool_size < 1 || config.store_pool_size > 256) {
    return absl::InvalidArgumentError("store pool size: 1 to 256");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return absl::InvalidArgumentError("tls: cert_file and key_file go together");
  }
  if (!config.tls_client_ca_file.empty() && config.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("tls: client_ca_file needs cert_file and key_file");
  }
  return config;
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return absl::StrCat(url.substr(0, colon + 1), "***", url.substr(at));
}

}  // namespace iam
