// Authentication speed on this machine:
//  - the raw Argon2id verification rate, and whole logins through gRPC
//    (iamd in process on SQLite) with the same parameters, on 1 and 2
//    threads: the difference is the service's own overhead;
//  - access token signing and verification per algorithm: the offline
//    check (signature, claims) and the cached online check (the answer for a
//    token seen before, with the session's liveness cached).
#include "iam/mfa/totp.h"
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <filesystem>

#include "iam/auth/password_hasher.h"
#include "iam/server/iam_server.h"
#include "iam/store/open_database.h"
#include "iam/token/jwt.h"
#include "iam/token/signing_key.h"
#include "iam/token/token_service.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"

namespace iam {
namespace {

constexpr char kMasterKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "iam-bench-XXXXXX").string();
  return ::mkdtemp(tmpl.data());
}

void BM_Argon2idVerifyRaw(benchmark::State& state) {
  static CryptoRandom random;
  static auth::PasswordHasher* hasher =
      new auth::PasswordHasher(auth::Argon2Params{}, &random, 1, 1);
  static const std::string phc = hasher->HashNow("benchmark-password");
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher->VerifyNow("benchmark-password", phc));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Argon2idVerifyRaw)->Threads(1)->Threads(2)->UseRealTime();

void BM_Argon2idVerifyOnPool(benchmark::State& state) {
  static CryptoRandom random;
  static auth::PasswordHasher* hasher =
      new auth::PasswordHasher(auth::Argon2Params{}, &random, 2, 16);
  static const std::string phc = hasher->HashNow("benchmark-password");
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher->Verify("benchmark-password", phc));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Argon2idVerifyOnPool)->Threads(1)->Threads(2)->UseRealTime();

// One iamd per Argon2 cost for every login benchmark run.
struct LoginFixture {
  SystemClock clock;
  CryptoRandom random;
  std::unique_ptr<server::IamServer> server;
  std::unique_ptr<v1::AuthService::Stub> auth;
  std::string account;

  explicit LoginFixture(const auth::Argon2Params& argon) {
    Config c;
    c.argon2_memory_kib = argon.memory_kib;
    c.argon2_iterations = argon.iterations;
    c.argon2_parallelism = argon.parallelism;
    const std::string dir = TempDir();
    c.listen = "127.0.0.1:0";
    c.http_listen = "off";
    c.data_dir = dir;
    c.master_key = kMasterKey;
    c.purge_interval_seconds = 0;
    c.throttle_slow_after = 1 << 30;
    c.throttle_block_after = 1 << 30;
    server = std::move(server::IamServer::Start(c, &clock, &random)).value();
    auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
    auto admin = v1::AdminService::NewStub(channel);
    auth = v1::AuthService::NewStub(channel);
    const std::string root = *server->bootstrap().access_key_token;
    auto call = [&](const std::string& token) {
      auto ctx = std::make_unique<grpc::ClientContext>();
      ctx->AddMetadata("authorization", "Bearer " + token);
      return ctx;
    };
    v1::CreateAccountRequest ca;
    ca.set_name("bench");
    ca.set_admin_username("alice");
    v1::CreateAccountResponse acct;
    admin->CreateAccount(call(root).get(), ca, &acct);
    account = acct.account().id();
    v1::SetUserPasswordRequest sp;
    sp.set_username("alice");
    sp.set_password("benchmark-password");
    sp.set_permanent(true);
    v1::SetUserPasswordResponse spr;
    admin->SetUserPassword(call(acct.admin_access_key_token()).get(), sp, &spr);
  }
};

void RunLogins(benchmark::State& state, LoginFixture* f) {
  v1::LoginRequest r;
  r.set_account(f->account);
  r.set_username("alice");
  r.set_password("benchmark-password");
  r.set_client_type("api");
  int64_t failed = 0;
  for (auto _ : state) {
    grpc::ClientContext ctx;
    v1::LoginResponse resp;
    grpc::Status s = f->auth->Login(&ctx, r, &resp);
    if (!s.ok() || resp.status() != v1::LOGIN_STATUS_SUCCESS) ++failed;
  }
  if (failed > 0) state.SkipWithError("a login failed");
  state.SetItemsProcessed(state.iterations());
}

void BM_LoginThroughGrpc(benchmark::State& state) {
  static LoginFixture* f = new LoginFixture(auth::Argon2Params{});
  RunLogins(state, f);
}
BENCHMARK(BM_LoginThroughGrpc)->Threads(1)->Threads(2)->UseRealTime();

// The same logins with Argon2 at its cheapest (8 KiB, one pass): what the
// service itself spends per login, apart from the hash. Unlike the
// difference of two 20 ms figures, it does not drown in the machine's drift.
void BM_LoginServiceWork(benchmark::State& state) {
  static LoginFixture* f = new LoginFixture(auth::Argon2Params{8, 1, 1});
  RunLogins(state, f);
}
BENCHMARK(BM_LoginServiceWork)->Threads(1)->UseRealTime();

void BM_Sign(benchmark::State& state) {
  const auto alg = static_cast<token::Alg>(state.range(0));
  auto key = *token::SigningKey::Generate(alg, "k");
  token::Claims c;
  c.iss = "https://iam.example";
  c.sub = "AIDAEXAMPLE";
  c.aud = "iam";
  c.jti = "jti";
  c.sid = "sid";
  c.account = "123456789012";
  c.iat = c.nbf = 1;
  c.exp = 2;
  for (auto _ : state) benchmark::DoNotOptimize(token::SignJwt(c, *key));
  state.SetLabel(token::AlgName(alg));
}

// A TokenService over a throwaway SQLite store, with one live session.
struct TokenFixture {
  FakeClock clock;
  CryptoRandom random;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<account::PiiCipher> pii;
  std::unique_ptr<token::KeyRing> ring;
  std::unique_ptr<token::TokenService> tokens;
  store::SessionRow session;

  TokenFixture(token::Alg alg, size_t cache_entries) {
    const std::string dir = TempDir();
    store::OpenOptions o;
    db = std::move(store::OpenDatabase("sqlite://" + dir + "/iam.db", o)).value();
    pii = std::make_unique<account::PiiCipher>(std::string(32, 'k'), &random);
    token::KeyRingOptions ko;
    ko.alg = alg;
    ring = std::make_unique<token::KeyRing>(db.get(), pii.get(), &clock, &random, ko);
    (void)ring->Start();
    token::TokenServiceOptions to;
    to.cache_entries = cache_entries;
    tokens = std::make_unique<token::TokenService>(ring.get(), db.get(), &clock, &random, to);
    session = store::SessionRow{"sid", "123456789012", "AIDAEXAMPLE", "web", "", "", "", "pwd",
                                0, 0, 0, 0, 0, std::nullopt, ""};
    session.expires_at = session.idle_expires_at = ToUnixMillisUtc(clock.Now()) + 3600 * 1000;
  }
};

// Offline: every token is new to the verifier (signature and claims checked).
void BM_VerifyOffline(benchmark::State& state) {
  const auto alg = static_cast<token::Alg>(state.range(0));
  TokenFixture f(alg, 16);  // a cache too small to help
  std::vector<std::string> pool;
  for (int i = 0; i < 4096; ++i) pool.push_back(f.tokens->Issue(f.session, "alice", "", 600)->token);
  size_t i = 0;
  for (auto _ : state) {
    auto v = f.tokens->Verify(pool[i++ % pool.size()], "", false);
    if (!v.ok()) state.SkipWithError("verification failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(token::AlgName(alg));
}

// Online and cached: a token verified before, its session liveness cached.
void BM_VerifyCachedOnline(benchmark::State& state) {
  const auto alg = static_cast<token::Alg>(state.range(0));
  TokenFixture f(alg, 200000);
  const std::string token = f.tokens->Issue(f.session, "alice", "", 600)->token;
  for (auto _ : state) {
    auto v = f.tokens->Verify(token, "", true);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(token::AlgName(alg));
}

#define ALGS \
  Arg(static_cast<int>(token::Alg::kES256))->Arg(static_cast<int>(token::Alg::kEdDSA))->Arg(static_cast<int>(token::Alg::kRS256))
BENCHMARK(BM_Sign)->ALGS;
BENCHMARK(BM_VerifyOffline)->ALGS;
BENCHMARK(BM_VerifyCachedOnline)->ALGS;

}  // namespace
}  // namespace iam

BENCHMARK_MAIN();

// Checking one TOTP code: every step of the ±1 window is computed (3 HMACs)
// and compared in constant time.
void BM_TotpMatch(benchmark::State& state) {
  const std::string secret = "12345678901234567890";
  iam::mfa::TotpParams p;
  p.algorithm = static_cast<iam::mfa::TotpAlgorithm>(state.range(0));
  const int64_t now = 1767225600;
  const std::string code = *iam::mfa::TotpCode(secret, p, iam::mfa::TotpStep(now, 30));
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam::mfa::MatchTotp(secret, p, code, now, 1, -1));
  }
}
BENCHMARK(BM_TotpMatch)->Arg(0)->Arg(1)->Arg(2);
