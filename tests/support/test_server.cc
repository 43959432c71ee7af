#include "tests/support/test_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace iam::testing {

Config TestConfig(const TestDatabase& db) {
  Config c;
  c.listen = "127.0.0.1:0";
  c.data_dir = db.dir();
  c.store = db.url();
  c.master_key = kTestMasterKey;
  c.purge_interval_seconds = 0;
  c.http_listen = "127.0.0.1:0";
  // Real Argon2id, at a cost that keeps hundreds of test logins quick.
  c.argon2_memory_kib = 1024;
  c.argon2_iterations = 1;
  c.challenge_secret = kTestChallengeSecret;
  return c;
}

std::unique_ptr<TestServer> TestServer::Start(const Config& config, const Clock* clock,
                                              Random* random) {
  auto server = server::IamServer::Start(config, clock, random);
  if (!server.ok()) {
    ADD_FAILURE() << "cannot start iamd: " << server.status();
    return nullptr;
  }
  auto t = std::make_unique<TestServer>();
  t->server_ = std::move(server).value();
  auto channel = grpc::CreateChannel(t->server_->address(), grpc::InsecureChannelCredentials());
  t->stub_ = v1::AdminService::NewStub(channel);
  t->auth_stub_ = v1::AuthService::NewStub(channel);
  t->authz_stub_ = v1::AuthzService::NewStub(channel);
  return t;
}

std::string TestServer::root_token() const {
  return server_->bootstrap().access_key_token.value_or("");
}

std::pair<std::string, std::string> TestServer::CreateAccount(const std::string& name,
                                                              const std::string& admin) {
  v1::CreateAccountRequest req;
  req.set_name(name);
  req.set_admin_username(admin);
  v1::CreateAccountResponse resp;
  grpc::Status s = Call(root_token(), &v1::AdminService::Stub::CreateAccount, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return {resp.account().id(), resp.admin_access_key_token()};
}

grpc::Status TestServer::PatchAccountPolicy(const std::string& token, const std::string& kind,
                                            const nlohmann::json& patch) {
  v1::GetAccountPolicyRequest get;
  get.set_kind(kind);
  v1::AccountPolicy current;
  grpc::Status s = Call(token, &v1::AdminService::Stub::GetAccountPolicy, get, &current);
  if (!s.ok()) return s;
  nlohmann::json doc = nlohmann::json::parse(current.document());
  doc.merge_patch(patch);
  v1::SetAccountPolicyRequest set;
  set.set_kind(kind);
  set.set_document(doc.dump());
  return Call(token, &v1::AdminService::Stub::SetAccountPolicy, set, &current);
}

int TestServer::HealthStatus(const std::string& service) {
  // HealthCheckRequest{service = 1} by hand: the health proto's C++ code
  // is not installed, and the message is one short string field.
  if (service.size() > 127) return -1;
  std::string request;
  if (!service.empty()) request = std::string("\x0a") + static_cast<char>(service.size()) + service;
  std::string response;
  if (!CallRaw("/grpc.health.v1.Health/Check", "", request, &response).ok()) return -1;
  // HealthCheckResponse{status = 1}: empty when it is 0 (UNKNOWN).
  if (response.empty()) return 0;
  if (response.size() != 2 || response[0] != '\x08') return -1;
  return response[1];
}

grpc::Status TestServer::CallRaw(const std::string& method, const std::string& token,
                                 const std::string& request, std::string* response) {
  return CallRawAuthorized(method, token.empty() ? "" : "Bearer " + token, request, response);
}

grpc::Status TestServer::CallRawAuthorized(const std::string& method,
                                           const std::string& authorization,
                                           const std::string& request, std::string* response) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::Status result;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    result = s;
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (result.ok() && response != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)out.Dump(&slices);
    response->clear();
    for (const auto& sl : slices) response->append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  }
  return result;
}

}  // namespace iam::testing
