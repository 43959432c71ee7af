#include "iam/server/iam_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "iam/audit/retention.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/token/jwt.h"
#include "iam/server/malformed_request.h"
#include "iam/server/challenge_setup.h"
#include "iam/server/master_key.h"
#include "iam/server/web_routes.h"
#include "iam/server/oauth_routes.h"
#include "iam/server/request_facts.h"
#include "iam/server/port_check.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/store/access_activity_store.h"
#include "iam/store/account_store.h"
#include "iam/store/client_store.h"
#include "iam/store/logout_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/open_database.h"

namespace iam::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const Config& c) {
  if (c.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions opts;
  ASSIGN_OR_RETURN(std::string cert, ReadFile(c.tls_cert_file));
  ASSIGN_OR_RETURN(std::string key, ReadFile(c.tls_key_file));
  opts.pem_key_cert_pairs.push_back({key, cert});
  if (!c.tls_client_ca_file.empty()) {
    ASSIGN_OR_RETURN(opts.pem_root_certs, ReadFile(c.tls_client_ca_file));
    opts.client_certificate_request =
        c.tls_require_client_cert
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(opts);
}

}  // namespace

absl::StatusOr<std::unique_ptr<IamServer>> IamServer::Start(const Config& config,
                                                            const Clock* clock, Random* random) {
  // Ports first: a second iamd on taken ports stops here, before it
  // touches the store.
  RETURN_IF_ERROR(CheckPortFree(config.listen, "gRPC"));
  if (config.http_listen != "off" && !config.http_listen.empty()) {
    RETURN_IF_ERROR(CheckPortFree(config.http_listen, "HTTP"));
  }
  auto s = std::unique_ptr<IamServer>(new IamServer());
  const std::string url = config.StoreUrl();
  const bool embedded = url.rfind("sqlite://", 0) == 0;
  // The data directory holds the SQLite file and, when none is configured, the
  // generated master key: only the embedded mode needs it.
  if (embedded) ::mkdir(config.data_dir.c_str(), 0700);

  store::OpenOptions open;
  open.pool_size = static_cast<int>(config.store_pool_size);
  open.now_ms = ToUnixMillisUtc(clock->Now());
  ASSIGN_OR_RETURN(s->db_, store::OpenDatabase(url, open));
  ASSIGN_OR_RETURN(std::string master_key, LoadMasterKey(config, embedded, *random));

  s->pii_ = std::make_unique<account::PiiCipher>(master_key, random);
  s->csrf_ = std::make_unique<web::CsrfGuard>(master_key);
  s->audit_ = std::make_unique<audit::AuditLog>(clock);
  s->clock_ = clock;
  s->authz_cache_ = std::make_unique<authz::AuthzCache>(s->db_.get());
  s->decider_ = std::make_unique<authz::Decider>(s->authz_cache_.get(), clock);
  s->authorizer_ = std::make_unique<authz::PolicyAuthorizer>(s->decider_.get());
  if (config.access_flush_seconds > 0) {
    // Recording begins (for "unused for N days") when the first replica
    // starts with it.
    RETURN_IF_ERROR(s->db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::access_activity::EnsureTrackingStart(tx, clock->NowMs()).status();
    }));
    authz::AccessActivityOptions access;
    access.flush_interval = absl::Seconds(config.access_flush_seconds);
    s->access_ = std::make_unique<authz::AccessActivity>(s->db_.get(), access);
    s->decider_->set_activity(s->access_.get());
    s->access_->Start();
  }
  s->credentials_ = std::make_unique<account::CredentialCache>(clock);
  s->outage_ = std::make_unique<StoreOutage>(
      clock, absl::Seconds(std::max<int64_t>(0, config.store_outage_grace_seconds)));
  s->health_ = std::make_unique<HealthReporter>(s->outage_.get());
  s->authz_cache_->OnPoll([o = s->outage_.get(), h = s->health_.get()](const absl::Status& st) {
    o->Observe(st);
    h->Refresh();
  });
  // A change through another replica may have disabled a user, suspended
  // an account or revoked a key.
  s->authz_cache_->OnAnyChange([c = s->credentials_.get()] { c->Clear(); });
  if (config.authz_poll_ms > 0) s->authz_cache_->Start(absl::Milliseconds(config.authz_poll_ms));
  RETURN_IF_ERROR(s->StartAuth(config, master_key, clock, random));

  account::BootstrapOptions boot;
  boot.admin_username = config.bootstrap_admin_username;
  boot.preset_access_key = config.bootstrap_access_key;
  ASSIGN_OR_RETURN(s->bootstrap_, s->domain_->accounts.Bootstrap(boot));

  ASSIGN_OR_RETURN(auto creds, Credentials(config));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC shares a port with SO_REUSEPORT by default: a second iamd started
  // by mistake would split the calls with the first. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
    f.push_back(std::make_unique<MalformedRequestInterceptorFactory>(&s->metrics_.rpcs));
    f.push_back(std::make_unique<RequestFactsInterceptorFactory>());
    builder.experimental().SetInterceptorCreators(std::move(f));
  }
  builder.AddListeningPort(config.listen, creds, &s->port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  builder.RegisterService(s->admin_.get());
  builder.RegisterService(s->auth_service_.get());
  builder.RegisterService(s->authz_service_.get());
  builder.RegisterService(s->audit_service_.get());
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config.listen,
        " (gRPC): the address is in use (is another iamd running?) or not available"));
  }
  s->health_->Attach(s->server_->GetHealthCheckService());
  const size_t colon = config.listen.rfind(':');
  s->address_ = absl::StrCat(config.listen.substr(0, colon), ":", s->port_);

  const absl::Duration interval = absl::Seconds(config.purge_interval_seconds);
  if (interval > absl::ZeroDuration()) {
    IamServer* raw = s.get();
    s->purge_thread_ = std::thread([raw, interval] { raw->PurgeLoop(interval); });
  }
  return s;
}

absl::Status IamServer::StartAuth(const Config& config, const std::string& master_key,
                                  const Clock* clock, Random* random) {
  auth::Argon2Params argon;
  argon.memory_kib = static_cast<uint32_t>(config.argon2_memory_kib);
  argon.iterations = static_cast<uint32_t>(config.argon2_iterations);
  argon.parallelism = static_cast<uint32_t>(config.argon2_parallelism);
  if (argon.memory_kib < 8 * argon.parallelism || argon.iterations < 1 || argon.parallelism < 1) {
    return absl::InvalidArgumentError("passwords: Argon2 parameters out of range");
  }
  int threads = static_cast<int>(config.hash_threads);
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  hasher_ = std::make_unique<auth::PasswordHasher>(argon, random, threads,
                                                   static_cast<int>(config.hash_queue));
  ASSIGN_OR_RETURN(auto blocklist,
                   auth::PasswordBlocklist::LoadWithBuiltIn(config.password_blocklist_file));

  token::KeyRingOptions ring;
  ASSIGN_OR_RETURN(ring.alg, token::ParseAlg(config.token_signing_alg));
  ring.rotation_period = absl::Hours(24 * config.signing_key_rotation_days);
  ring.publish_after_retire = absl::Seconds(session::kMaxAccessTokenTtlSeconds + 300);
  // The service's own rotations join the system account's chain; the very
  // first key predates that account and is covered by its bootstrap record.
  ring.record_scheduled = [this](store::Tx& tx, const token::Rotation& r) -> absl::Status {
    ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
    if (!system) return absl::OkStatus();
    audit::Event e =
        audit::Event::By("iamd", system->id, "sts:RotateSigningKey", "signing-key", r.kid);
    e.detail = {{"alg", r.alg}, {"retired", r.retired},
                {"reason", r.retired.empty() ? "first key" : "scheduled"}};
    return audit_->Append(tx, e);
  };
  key_ring_ = std::make_unique<token::KeyRing>(db_.get(), pii_.get(), clock, random, ring);
  RETURN_IF_ERROR(key_ring_->Start());

  decisions_ = std::make_unique<audit::DecisionLog>(db_.get(), audit_.get());
  decisions_->Start();
  if (config.http_listen != "off" && !config.http_listen.empty()) {
    HttpOptions http;
    http.listen = config.http_listen;
    http.tls_cert_file = config.http_tls_cert_file;
    http.tls_key_file = config.http_tls_key_file;
    http.issuer = config.issuer;
    http.metrics = [this] { return Metrics(); };
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    http.server.io_threads =
        config.http_io_threads > 0 ? static_cast<int>(config.http_io_threads) : cores;
    http.server.handler_threads = config.http_handler_threads > 0
                                      ? static_cast<int>(config.http_handler_threads)
                                      : 4 * cores;
    ASSIGN_OR_RETURN(http_, HttpListener::Start(http, key_ring_.get()));
    issuer_ = http_->issuer();
  } else {
    issuer_ = config.issuer.empty() ? "iam" : config.issuer;
  }
  token::TokenServiceOptions topts;
  topts.issuer = issuer_;
  tokens_ = std::make_unique<token::TokenService>(key_ring_.get(), db_.get(), clock, random, topts);
  tokens_->SetStoreOutage(outage_.get());

  ASSIGN_OR_RETURN(web::PageAssets assets, web::PageAssets::Load(config.web_assets_dir));
  ASSIGN_OR_RETURN(pages_, web::PageRenderer::Create(assets));

  net::HttpFetcherOptions fetch;
  fetch.timeout = absl::Milliseconds(std::max<int64_t>(config.fetch_timeout_ms, 100));
  fetch.allow_private_networks = config.fetch_private_networks;
  fetch.ca_file = config.fetch_ca_file;
  fetcher_ = std::make_unique<net::HttpFetcher>(fetch);
  client_key_sets_ = std::make_unique<oauth::RemoteKeySets>(*fetcher_, *clock, oauth::ClientVerifyKeys);
  upstream_key_sets_ =
      std::make_unique<oauth::RemoteKeySets>(*fetcher_, *clock, oauth::UpstreamVerifyKeys);
  // private_key_jwt at upstream providers: assertions signed with the
  // token signing key, which the providers read from this service's JWKS.
  oidc_upstream_ = std::make_unique<federation::OidcUpstream>(
      *fetcher_, *clock, *random, *upstream_key_sets_,
      [ring = key_ring_.get()](const nlohmann::json& claims) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(auto key, ring->Signer());
        return token::SignJws(claims, "JWT", *key);
      });
  ASSIGN_OR_RETURN(challenge_,
                   MakeChallenge(config, {master_key, clock, random, db_.get(), fetcher_.get()}));

  // The one place the domain is wired.
  DomainSettings settings;
  settings.account.policy_max_bytes = static_cast<size_t>(config.policy_max_bytes);
  settings.account.resource_policy_max_bytes =
      static_cast<size_t>(config.resource_policy_max_bytes);
  settings.account.close_grace = absl::Hours(24 * config.close_grace_days);
  settings.throttle.window_seconds = static_cast<int>(config.throttle_window_seconds);
  settings.throttle.slow_after_failures = static_cast<int>(config.throttle_slow_after);
  settings.throttle.slow_delay_ms = static_cast<int>(config.throttle_slow_delay_ms);
  settings.throttle.block_after_failures = static_cast<int>(config.throttle_block_after);
  settings.throttle.block_seconds = static_cast<int>(config.throttle_block_seconds);
  settings.mfa_issuer = config.mfa_issuer;
  domain_ = std::make_unique<Domain>(
      Foundation{*db_, *clock, *random, *pii_, *audit_, *authorizer_, *authz_cache_,
                 credentials_.get(), outage_.get(), *tokens_, *hasher_, blocklist,
                 challenge_.get(), decisions_.get(), access_.get(), client_key_sets_.get(),
                 oidc_upstream_.get(), &metrics_.logins},
      std::move(settings));
  Domain& d = *domain_;

  std::vector<Cidr> proxies;
  for (absl::string_view c : absl::StrSplit(config.trusted_proxies, ',', absl::SkipWhitespace())) {
    auto cidr = Cidr::Parse(absl::StripAsciiWhitespace(c));
    if (!cidr.ok()) return absl::InvalidArgumentError("login.trusted_proxies: not a CIDR list");
    proxies.push_back(*cidr);
  }
  if (http_) {
    http_->Mount([&](HttpRouter& router) {
      AddOAuthRoutes(router, OAuthRoutes{*db_, *key_ring_, *tokens_, d.token_endpoint, d.clients,
                                         proxies, &metrics_.tokens});
      std::string challenge_origin, challenge_field;
      if (config.challenge_kind == "hosted") {
        const std::string& u = config.challenge_script_url;
        challenge_origin = u.substr(0, u.find('/', std::string("https://").size()));
        challenge_field = config.challenge_response_field;
      }
      AddWebRoutes(router, WebRoutes{*db_, *clock, d.authorization, d.login, d.mfa_login,
                                     d.passwords, d.device_authorization, d.mfa, d.devices,
                                     d.users, challenge_.get(),
                                     d.sessions, d.federated_login, *tokens_,
                                     *pages_, *csrf_, *random, proxies, http_->tls(),
                                     challenge_origin, challenge_field});
    });
  }
  if (config.logout_poll_ms > 0) {
    oauth::BackchannelLogoutOptions logout;
    logout.poll = absl::Milliseconds(config.logout_poll_ms);
    logouts_ = std::make_unique<oauth::BackchannelLogout>(*db_, *clock, *random, *tokens_,
                                                          *fetcher_, *audit_, logout);
    logouts_->Start();
  }
  authn_ = std::make_unique<Authenticator>(*db_, d.keys, tokens_.get(), credentials_.get(),
                                           outage_.get(), std::move(proxies));

  admin_ = std::make_unique<AdminServiceImpl>(
      AdminBackends{d.accounts, d.users, d.groups, d.keys, d.roles, d.policies, d.resources,
                    d.exporter, d.access_reports, d.auth_admin, d.passwords, d.sessions, d.mfa, d.devices,
                    d.mutations, *key_ring_, d.clients, d.idps, oidc_upstream_.get(),
                    d.federated_login, *db_},
      authn_.get());
  authz_service_ = std::make_unique<AuthzServiceImpl>(d.mutations, outage_.get(), decider_.get(),
                                                      tokens_.get(), authn_.get(),
                                                      decisions_.get(), &metrics_.decisions);
  audit_service_ = std::make_unique<AuditServiceImpl>(d.audit_records, authn_.get());
  auth_service_ = std::make_unique<AuthServiceImpl>(
      AuthBackends{d.login, d.mfa_login, d.device_login, d.passwords, d.sessions, d.mfa,
                   d.devices, *tokens_,
                   *clock, outage_.get()},
      authn_.get());
  return absl::OkStatus();
}

void IamServer::RunMaintenance() {
  auto purged = domain_->accounts.PurgeClosedAccounts();
  if (!purged.ok()) {
    log::Error("purge job failed", {{"status", purged.status().ToString()}});
  } else if (*purged > 0) {
    log::Info("purged closed accounts", {{"count", absl::StrCat(*purged)}});
  }
  auto audit_purged = audit::PurgeExpired(*db_, *audit_, *clock_);
  if (!audit_purged.ok()) {
    log::Error("audit retention purge failed", {{"status", audit_purged.status().ToString()}});
  } else if (audit_purged->records > 0) {
    log::Info("purged expired audit records", {{"records", absl::StrCat(audit_purged->records)},
                                               {"accounts", absl::StrCat(audit_purged->accounts)}});
  }
  // Directories whose periodic sync is due (LDAP providers).
  domain_->federated_login.SyncDueDirectories();
  auto rotated = key_ring_->Rotate(/*force=*/false);
  if (!rotated.ok()) log::Error("key rotation failed", {{"status", rotated.status().ToString()}});
  const int64_t now = clock_->NowMs();
  // Counters idle for a day and not locked say nothing any more.
  absl::Status pruned = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    RETURN_IF_ERROR(store::login::PruneCounters(tx, now - 86400 * 1000, now).status());
    // Revocations, proofs and refresh tokens of tokens that have ended.
    RETURN_IF_ERROR(store::clients::PurgeEnded(tx, now).status());
    // Login requests, codes and sign-ons that have ended.
    RETURN_IF_ERROR(store::sso::PurgeEnded(tx, now).status());
    // Back-channel logouts finished a week ago.
    RETURN_IF_ERROR(store::logout::PurgeFinished(tx, now - int64_t{7} * 86400 * 1000).status());
    return store::mfa::PruneTickets(tx, now).status();
  });
  if (!pruned.ok()) log::Error("counter pruning failed", {{"status", pruned.ToString()}});
}

void IamServer::PurgeLoop(absl::Duration interval) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    RunMaintenance();
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoSeconds(interval), [&] { return stopping_; });
  }
}

void IamServer::Shutdown(absl::Duration grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (server_) {
    health_->Detach();
    server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
  }
  if (purge_thread_.joinable()) purge_thread_.join();
  if (logouts_) logouts_->Stop();
  if (authz_cache_) authz_cache_->Stop();
  if (decisions_) decisions_->Stop();  // writes what is queued
  if (access_) access_->Stop();        // merges what is held
  if (http_) http_->Stop();
}

IamServer::~IamServer() { Shutdown(absl::Seconds(1)); }

}  // namespace iam::server
