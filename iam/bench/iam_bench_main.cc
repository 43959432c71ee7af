// iam-bench: load for a running iamd. Creates its own account, user and
// policies through the admin API, keeps --concurrency calls of one RPC in
// flight through gRPC's asynchronous callback API, and prints requests per
// second and latency percentiles. The account is closed at the end.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "iam/bench/fixture.h"
#include "iam/bench/code_flow.h"
#include "iam/bench/http_load.h"
#include "iam/bench/load_loop.h"
#include "iam/common/crypto.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"

namespace iam::bench {
namespace {

template <typename Req, typename Resp>
using Method = std::function<void(grpc::ClientContext*, const Req*, Resp*,
                                  std::function<void(grpc::Status)>)>;

// One slot: cycles through a shared list of requests, starting at its own
// offset so that concurrent slots ask different things.
template <typename Req, typename Resp>
class UnaryCall final : public Call {
 public:
  UnaryCall(Method<Req, Resp> method, const std::vector<Req>* requests, size_t first,
            std::string authorization)
      : method_(std::move(method)),
        requests_(requests),
        next_(first),
        authorization_(std::move(authorization)) {}

  void Start(const Done* done) override {
    ctx_.reset();
    ctx_.emplace();
    if (!authorization_.empty()) ctx_->AddMetadata("authorization", authorization_);
    // No per-call deadline: its timer would cost both sides on every call,
    // and the run itself is bounded.
    method_(&*ctx_, &(*requests_)[next_++ % requests_->size()], &response_,
            [done](grpc::Status s) { (*done)(s); });
  }

 private:
  Method<Req, Resp> method_;
  const std::vector<Req>* requests_;
  size_t next_;
  std::string authorization_;
  std::optional<grpc::ClientContext> ctx_;
  Resp response_;
};

struct Flags {
  Target target{"127.0.0.1:50051", false, ""};
  std::string key_file = "iam-data/admin.key";
  std::string rpc;
  std::string principal = "name";
  std::string decision_log = "none";
  int concurrency = 64;
  int connections = 1;
  double warmup_s = 2;
  double duration_s = 10;
  int64_t requests = 0;
  int batch = 100;
  int policies = 20;
  bool offline = false;
  bool keep = false;
  std::string output = "text";
  // HTTP modes
  std::string http = "127.0.0.1:8080";
  std::string path = "/.well-known/jwks.json";
  int client_threads = 1;
  int idle = 0;
  int slow = 0;
  double rate = 0;
};

std::string ReadKey(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

void Print(const Flags& flags, const std::string& mode, int connections, const LoadResult& r,
           int per_call) {
  if (flags.output == "json") {
    const std::string decisions =
        per_call == 0 ? ""
                      : absl::StrFormat(R"("decisions_per_second":%.1f,)", r.PerSecond() * per_call);
    std::cout << absl::StrFormat(
                     R"({"rpc":"%s","concurrency":%d,"connections":%d,"requests":%d,"failed":%d,)"
                     R"("seconds":%.3f,"requests_per_second":%.1f,%s)"
                     R"("p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f})",
                     mode, flags.concurrency, connections, r.completed, r.failed, r.seconds,
                     r.PerSecond(), decisions, r.QuantileMs(0.5), r.QuantileMs(0.99),
                     r.QuantileMs(0.999), r.QuantileMs(1.0))
              << "\n";
  } else {
    std::cout << absl::StrFormat("%s: %d in flight on %d connection%s, %.1f s measured\n", mode,
                                 flags.concurrency, connections, connections == 1 ? "" : "s",
                                 r.seconds);
    std::cout << absl::StrFormat("requests     %d (%d failed)\n", r.completed, r.failed);
    std::cout << absl::StrFormat("requests/s   %.0f\n", r.PerSecond());
    if (per_call > 0) {
      std::cout << absl::StrFormat("decisions/s  %.0f\n", r.PerSecond() * per_call);
    }
    std::cout << absl::StrFormat("latency      p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms\n",
                                 r.QuantileMs(0.5), r.QuantileMs(0.99), r.QuantileMs(0.999),
                                 r.QuantileMs(1.0));
  }
}

int Finish(const LoadResult& r) {
  if (r.failed > 0) {
    std::cerr << "iam-bench: " << r.failed << " calls failed; first: " << r.first_failure << "\n";
    return 1;
  }
  return r.completed > 0 ? 0 : 1;
}

HttpLoadOptions HttpOptionsOf(const Flags& flags) {
  HttpLoadOptions o;
  const size_t colon = flags.http.rfind(':');
  o.host = flags.http.substr(0, colon);
  o.port = std::atoi(flags.http.substr(colon + 1).c_str());
  o.connections = flags.concurrency;
  o.threads = flags.client_threads;
  o.idle_connections = flags.idle;
  o.slow_connections = flags.slow;
  o.warmup = absl::Seconds(flags.warmup_s);
  o.duration = absl::Seconds(flags.duration_s);
  o.requests = flags.requests;
  o.rate = flags.rate;
  return o;
}

// GET one path again and again: the listener itself, without the domain.
int RunHttpGet(const Flags& flags) {
  const HttpLoadOptions options = HttpOptionsOf(flags);
  const std::string text = "GET " + flags.path + " HTTP/1.1\r\nHost: " + flags.http + "\r\n\r\n";
  HttpPrelude prelude;
  const LoadResult r = RunHttpLoad(
      options, [&](int, uint64_t) { return text; },
      [](int, int status, const std::string&) {
        return status == 200 ? std::string() : "HTTP " + std::to_string(status);
      },
      &prelude);
  if (flags.idle > 0 || flags.slow > 0) {
    std::cout << absl::StrFormat(
        "prelude      %d of %d idle keep-alive connections served (%.2f s), %d slow clients\n",
        prelude.idle_opened, flags.idle, prelude.idle_open_seconds, prelude.slow_opened);
  }
  Print(flags, "http-get " + flags.path, flags.concurrency, r, 0);
  return Finish(r);
}

// The token endpoint's client_credentials grant with client_secret_basic
// (what every service calling another does to get its token), or the
// introspection of one such token by that client (what a resource server
// does for every request it serves).
int RunOAuth(const Flags& flags, const Fixture& f, const std::shared_ptr<grpc::Channel>& setup) {
  auto secret = ProvisionClient(setup, f, "bench-client");
  if (!secret.ok()) {
    std::cerr << "iam-bench: " << secret.status().message() << "\n";
    return 1;
  }
  const std::string authorization = crypto::Base64("bench-client:" + *secret);
  auto post = [&](const std::string& endpoint, const std::string& body) {
    return absl::StrCat("POST /accounts/", f.account_id, "/oauth2/", endpoint,
                        " HTTP/1.1\r\nHost: ", flags.http, "\r\nAuthorization: Basic ",
                        authorization,
                        "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ",
                        body.size(), "\r\n\r\n", body);
  };
  std::string text = post("token", "grant_type=client_credentials&scope=bench.read");
  std::string expect = "\"access_token\"";
  const HttpLoadOptions o = HttpOptionsOf(flags);
  if (flags.rpc == "introspect") {
    const HttpAnswer granted = HttpCall(o.host, o.port, text);
    auto body = nlohmann::json::parse(granted.body, nullptr, false);
    if (granted.status != 200 || !body.is_object() || !body.contains("access_token")) {
      std::cerr << "iam-bench: no token to introspect: " << granted.body.substr(0, 200) << "\n";
      return 1;
    }
    text = post("introspect", "token=" + body["access_token"].get<std::string>());
    expect = "\"active\":true";
  }
  // refresh: each connection rotates its own refresh token, got by
  // exchanging the fixture user's login token once per connection.
  std::vector<std::string> refresh(static_cast<size_t>(flags.concurrency));
  if (flags.rpc == "refresh") {
    for (std::string& token : refresh) {
      const HttpAnswer exchanged = HttpCall(
          o.host, o.port,
          post("token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                        "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3A"
                        "access_token&subject_token=" + f.access_token));
      auto body = nlohmann::json::parse(exchanged.body, nullptr, false);
      if (exchanged.status != 200 || !body.is_object() || !body.contains("refresh_token")) {
        std::cerr << "iam-bench: no refresh token: " << exchanged.body.substr(0, 200) << "\n";
        return 1;
      }
      token = body["refresh_token"].get<std::string>();
    }
  }
  const LoadResult r = RunHttpLoad(
      o,
      [&](int slot, uint64_t) {
        return flags.rpc == "refresh"
                   ? post("token", "grant_type=refresh_token&refresh_token=" + refresh[slot])
                   : text;
      },
      [&](int slot, int status, const std::string& answer) {
        if (status != 200 || answer.find(expect) == std::string::npos) {
          return "HTTP " + std::to_string(status) + ": " + answer.substr(0, 200);
        }
        if (flags.rpc == "refresh") {
          auto body = nlohmann::json::parse(answer, nullptr, false);
          if (!body.is_object() || !body.contains("refresh_token")) {
            return std::string("no rotated refresh token");
          }
          refresh[slot] = body["refresh_token"].get<std::string>();
        }
        return std::string();
      });
  Print(flags, flags.rpc, flags.concurrency, r, 0);
  return Finish(r);
}

int Run(const Flags& flags) {
  if (flags.rpc == "http-get") return RunHttpGet(flags);
  const std::string root_key = ReadKey(flags.key_file);
  if (root_key.empty()) {
    std::cerr << "iam-bench: no access key in " << flags.key_file << "\n";
    return 2;
  }
  auto setup_channel = Connect(flags.target, -1);
  if (!setup_channel.ok()) {
    std::cerr << "iam-bench: " << setup_channel.status().message() << "\n";
    return 2;
  }
  Fixture f;
  const Fixture* fixture = &f;
  if (absl::Status s = Provision(*setup_channel, root_key, flags.policies, flags.decision_log, &f);
      !s.ok()) {
    std::cerr << "iam-bench: " << s.message() << "\n";
    if (!f.account_id.empty() && !flags.keep) Teardown(*setup_channel, root_key, f).IgnoreError();
    return 1;
  }

  if (flags.rpc == "code-flow") {
    int rc = 1;
    const std::string redirect = "https://bench.example/cb";
    if (absl::Status s = ProvisionWebClient(*setup_channel, *fixture, "bench-web", redirect);
        !s.ok()) {
      std::cerr << "iam-bench: " << s.message() << "\n";
    } else {
      CodeFlowOptions o;
      const size_t colon = flags.http.rfind(':');
      o.host = flags.http.substr(0, colon);
      o.port = std::atoi(flags.http.substr(colon + 1).c_str());
      o.workers = flags.concurrency;
      o.warmup = absl::Seconds(flags.warmup_s);
      o.duration = absl::Seconds(flags.duration_s);
      o.account_id = fixture->account_id;
      o.client_id = "bench-web";
      o.redirect_uri = redirect;
      o.username = fixture->username;
      o.password = fixture->password;
      const CodeFlowResult r = RunCodeFlow(o);
      Print(flags, "code-flow (authorize, login page, login, notice, token)", flags.concurrency,
            r, 0);
      if (flags.output != "json" && r.completed > 0) {
        std::cout << "mean per step";
        for (int i = 0; i < kCodeFlowSteps; ++i) {
          std::cout << absl::StrFormat("  %s %.3f ms", kCodeFlowStepNames[i],
                                       r.step_ns[i] / 1e6 / r.completed);
        }
        std::cout << "\n";
        if (r.handler_seconds >= 0) {
          const double handlers = r.handler_seconds * 1e3 / r.completed;
          const double hashes = r.hash_seconds * 1e3 / r.completed;
          std::cout << absl::StrFormat(
              "service time per round (its /metrics)  handlers %.3f ms  of which Argon2 %.3f ms"
              "  beyond the hash %.3f ms\n",
              handlers, hashes, handlers - hashes);
        }
      }
      rc = Finish(r);
    }
    if (!flags.keep) {
      absl::Status s = Teardown(*setup_channel, root_key, *fixture);
      if (!s.ok()) std::cerr << "iam-bench: " << s.message() << "\n";
    }
    return rc;
  }
  if (flags.rpc == "client-credentials" || flags.rpc == "introspect" || flags.rpc == "refresh") {
    const int rc = RunOAuth(flags, *fixture, *setup_channel);
    if (!flags.keep) {
      absl::Status s = Teardown(*setup_channel, root_key, *fixture);
      if (!s.ok()) std::cerr << "iam-bench: " << s.message() << "\n";
    }
    return rc;
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int t = 0; t < flags.connections; ++t) channels.push_back(*Connect(flags.target, t));
  std::vector<std::unique_ptr<v1::AuthzService::Stub>> authz;
  std::vector<std::unique_ptr<v1::AuthService::Stub>> auth;
  for (const auto& c : channels) {
    authz.push_back(v1::AuthzService::NewStub(c));
    auth.push_back(v1::AuthService::NewStub(c));
  }
  const std::string bearer = "Bearer " + fixture->admin_key;

  std::vector<v1::CheckRequest> checks = fixture->checks;
  if (flags.principal == "token") {
    for (auto& c : checks) {
      c.clear_principal();
      c.set_token(fixture->access_token);
    }
  }
  std::vector<v1::BatchCheckRequest> batches;
  for (size_t b = 0; b < checks.size(); ++b) {
    v1::BatchCheckRequest req;
    if (flags.principal == "token") {
      req.set_token(fixture->access_token);
    } else {
      req.mutable_principal()->set_username(fixture->username);
    }
    for (int i = 0; i < flags.batch; ++i) {
      v1::CheckRequest* c = req.add_checks();
      *c = checks[(b + i) % checks.size()];
      c->clear_principal();
      c->clear_token();
    }
    batches.push_back(std::move(req));
  }
  std::vector<v1::VerifyTokenRequest> verifies(1);
  verifies[0].set_token(fixture->access_token);
  verifies[0].set_offline(flags.offline);

  CallFactory factory = [&](int t, int slot) -> std::unique_ptr<Call> {
    v1::AuthzService::Stub* z = authz[t].get();
    if (flags.rpc == "check") {
      return std::make_unique<UnaryCall<v1::CheckRequest, v1::CheckResponse>>(
          [z](auto* ctx, auto* req, auto* resp, auto done) {
            z->async()->Check(ctx, req, resp, std::move(done));
          },
          &checks, slot, bearer);
    }
    if (flags.rpc == "batch-check") {
      return std::make_unique<UnaryCall<v1::BatchCheckRequest, v1::BatchCheckResponse>>(
          [z](auto* ctx, auto* req, auto* resp, auto done) {
            z->async()->BatchCheck(ctx, req, resp, std::move(done));
          },
          &batches, slot, bearer);
    }
    v1::AuthService::Stub* a = auth[t].get();
    return std::make_unique<UnaryCall<v1::VerifyTokenRequest, v1::VerifyTokenResponse>>(
        [a](auto* ctx, auto* req, auto* resp, auto done) {
          a->async()->VerifyToken(ctx, req, resp, std::move(done));
        },
        &verifies, slot, "");
  };

  LoadOptions options;
  options.concurrency = flags.concurrency;
  options.connections = flags.connections;
  options.warmup = absl::Seconds(flags.warmup_s);
  options.duration = absl::Seconds(flags.duration_s);
  options.requests = flags.requests;
  const LoadResult r = RunLoad(options, factory);

  if (!flags.keep) {
    absl::Status s = Teardown(*setup_channel, root_key, *fixture);
    if (!s.ok()) std::cerr << "iam-bench: " << s.message() << "\n";
  }

  const int per_call =
      flags.rpc == "batch-check" ? flags.batch : (flags.rpc == "verify-token" ? 0 : 1);
  Print(flags, flags.rpc, options.connections, r, per_call);
  return Finish(r);
}

}  // namespace
}  // namespace iam::bench

int main(int argc, char** argv) {
  iam::bench::Flags f;
  CLI::App app{"iam-bench: load an iamd with Check, BatchCheck or VerifyToken calls"};
  app.add_option("rpc", f.rpc,
                 "gRPC: check, batch-check or verify-token; HTTP: http-get (--path), "
                 "client-credentials (the OAuth token endpoint), introspect, refresh, "
                 "code-flow (the browser sign-in, five requests a round)")
      ->required()
      ->check(CLI::IsMember({"check", "batch-check", "verify-token", "http-get",
                             "client-credentials", "introspect", "refresh", "code-flow"}));
  app.add_option("--http", f.http, "iamd HTTP address (HTTP modes)")->capture_default_str();
  app.add_option("--path", f.path, "http-get: the path to GET")->capture_default_str();
  app.add_option("--client-threads", f.client_threads, "HTTP modes: the client's I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--idle", f.idle,
                 "HTTP modes: idle keep-alive connections opened before the load")
      ->check(CLI::Range(0, 100000));
  app.add_option("--rate", f.rate,
                 "HTTP modes: offer this many requests a second (open loop) instead of "
                 "sending as fast as answers come")
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--slow", f.slow, "HTTP modes: slow clients (a header byte a second)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--address", f.target.address, "iamd gRPC address")->capture_default_str();
  app.add_option("--access-key-file", f.key_file,
                 "a key that may create and close accounts (the bootstrap admin's)")
      ->capture_default_str();
  app.add_flag("--tls", f.target.tls, "connect with TLS");
  app.add_option("--ca-file", f.target.ca_file, "CA bundle to verify the server (implies --tls)");
  app.add_option("-c,--concurrency", f.concurrency,
                 "calls in flight (HTTP: connections, one request each)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--connections", f.connections, "HTTP/2 connections the calls are spread over")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("-d,--duration", f.duration_s, "seconds to measure")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  app.add_option("-n,--requests", f.requests, "measure this many calls instead of a duration")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("-w,--warmup", f.warmup_s, "seconds of load before measuring")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("-b,--batch", f.batch, "checks per BatchCheck call")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--policies", f.policies, "managed policies attached to the benchmark user")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--principal", f.principal,
                 "name: checks name the user; token: they carry the user's access token")
      ->check(CLI::IsMember({"name", "token"}))
      ->capture_default_str();
  app.add_option("--decision-log", f.decision_log,
                 "which decisions the benchmark account records in its audit log")
      ->check(CLI::IsMember({"none", "denies", "sampled", "all"}))
      ->capture_default_str();
  app.add_flag("--offline", f.offline, "verify-token: signature and claims only");
  app.add_flag("--keep", f.keep, "leave the benchmark account open");
  app.add_option("-o,--output", f.output, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return iam::bench::Run(f);
}
