// TestServer: a real IamServer on a loopback port over a TestDatabase, with
// a FakeClock, and a stub to call it. For end-to-end tests.
#ifndef IAM_TESTS_SUPPORT_TEST_SERVER_H_
#define IAM_TESTS_SUPPORT_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "iam/server/iam_server.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"
#include "tests/support/test_database.h"

namespace iam::testing {

inline constexpr char kTestMasterKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
inline constexpr char kTestChallengeSecret[] = "test-challenge-secret";

// A config that serves `db` on 127.0.0.1:0 without the purge thread.
Config TestConfig(const TestDatabase& db);

class TestServer {
 public:
  // Starts the server; ADD_FAILURE and nullptr when it cannot.
  static std::unique_ptr<TestServer> Start(const Config& config, const Clock* clock,
                                           Random* random);

  server::IamServer& server() { return *server_; }
  v1::AdminService::Stub& stub() { return *stub_; }
  v1::AuthService::Stub& auth() { return *auth_stub_; }
  // The bootstrap admin's key ("" when this server found the account existing).
  std::string root_token() const;

  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(const std::string& token, Method m, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return (stub_.get()->*m)(&ctx, req, resp);
  }
  // The same for AuthService; `token` may be an access key or access token.
  template <typename Req, typename Resp, typename Method>
  grpc::Status CallAuth(const std::string& token, Method m, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return (auth_stub_.get()->*m)(&ctx, req, resp);
  }

  // The same for AuthzService.
  template <typename Req, typename Resp, typename Method>
  grpc::Status CallAuthz(const std::string& token, Method m, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return (authz_stub_.get()->*m)(&ctx, req, resp);
  }

  // Calls a method by its full name ("/iam.v1.AdminService/CreateGroup")
  // with a request already serialized, as any client could send it; the
  // response's bytes go to `response` when it is not null.
  grpc::Status CallRaw(const std::string& method, const std::string& token,
                       const std::string& request, std::string* response = nullptr);
  // The same with the whole authorization metadata value given (a
  // signature rather than a bearer credential).
  grpc::Status CallRawAuthorized(const std::string& method, const std::string& authorization,
                                 const std::string& request, std::string* response = nullptr);

  // What grpc.health.v1.Health/Check answers for `service`: 1 SERVING,
  // 2 NOT_SERVING; -1 when the call fails (NOT_FOUND: an unknown name).
  int HealthStatus(const std::string& service);

  // Creates an account with an admin; returns {account id, admin token}.
  std::pair<std::string, std::string> CreateAccount(const std::string& name,
                                                    const std::string& admin);

  // Changes some fields of the caller's account policy of `kind` (a JSON
  // merge patch over the stored document, which states every field).
  grpc::Status PatchAccountPolicy(const std::string& token, const std::string& kind,
                                  const nlohmann::json& patch);

 private:
  std::unique_ptr<server::IamServer> server_;
  std::unique_ptr<v1::AdminService::Stub> stub_;
  std::unique_ptr<v1::AuthService::Stub> auth_stub_;
  std::unique_ptr<v1::AuthzService::Stub> authz_stub_;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_SUPPORT_TEST_SERVER_H_
