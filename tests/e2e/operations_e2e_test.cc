// What an operator watches, on a real server over both stores: /metrics
// scraped over HTTP after known traffic (logins by outcome and reason,
// decisions, gRPC calls by method and code, HTTP routes by status, token
// requests, the store, the process, the build), checked for the values the
// traffic must have left and for the exposition format itself; and the
// gRPC health service answering per service.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/auth_fixture.h"

namespace iam::e2e {
namespace {

using store::Backend;

class OperationsTest : public AuthFixture {
 protected:
  std::string Scrape() {
    httplib::Client http("127.0.0.1", server_->server().http_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) {
      ADD_FAILURE() << "no /metrics";
      return "";
    }
    return res->body;
  }

  // The value of one series, written exactly as the exposition has it
  // (`name{labels}`); -1 when absent.
  static double Value(const std::string& page, const std::string& series) {
    for (absl::string_view line : absl::StrSplit(page, '\n')) {
      if (!absl::ConsumePrefix(&line, series + " ")) continue;
      double v = 0;
      if (absl::SimpleAtod(line, &v)) return v;
    }
    return -1;
  }

  bool Allowed(const std::string& user, const std::string& action) {
    v1::CheckRequest r;
    r.mutable_principal()->set_username(user);
    r.set_action(action);
    r.set_resource("arn:aws:s3:::photos/a.jpg");
    v1::CheckResponse out;
    EXPECT_RPC_OK(server_->CallAuthz(alice_, &v1::AuthzService::Stub::Check, r, &out));
    return out.allowed();
  }

  int HttpStatus(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Client http("127.0.0.1", server_->server().http_port());
    auto res = method == "GET" ? http.Get(path)
                               : http.Post(path, body, "application/x-www-form-urlencoded");
    return res ? res->status : -1;
  }
};

TEST_P(OperationsTest, MetricsCountWhatTheServiceDid) {
  // Logins: one right, one wrong password, one unknown name.
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Login("bob", "not-the-password").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("nobody", "whatever-it-is").status(), v1::LOGIN_STATUS_FAILED);
  // Decisions: allowed by an inline policy, and not allowed.
  v1::InlinePolicyRequest put;
  put.mutable_principal()->set_type(v1::PrincipalName::USER);
  put.mutable_principal()->set_name("bob");
  put.set_policy_name("Read");
  put.set_document(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                   R"("Action":"s3:GetObject","Resource":"*"}]})");
  v1::InlinePolicyResponse pr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutInlinePolicy, put, &pr));
  EXPECT_TRUE(Allowed("bob", "s3:GetObject"));
  EXPECT_FALSE(Allowed("bob", "s3:DeleteObject"));
  EXPECT_FALSE(Allowed("bob", "s3:PutObject"));
  // A call without credentials.
  v1::ListUsersRequest lu;
  v1::ListUsersResponse lur;
  EXPECT_EQ(server_->Call("", &AdminService::Stub::ListUsers, lu, &lur).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // HTTP: a route, a path no route takes, token requests refused; the
  // grant type is the client's and must not become a label of its own.
  const std::string base = "/accounts/" + acme_;
  EXPECT_EQ(HttpStatus("GET", base + "/jwks"), 200);
  EXPECT_EQ(HttpStatus("GET", "/no/such/path"), 404);
  EXPECT_EQ(HttpStatus("POST", base + "/oauth2/token",
                       "grant_type=client_credentials&client_id=nope&client_secret=x"),
            401);
  EXPECT_EQ(HttpStatus("POST", base + "/oauth2/token",
                       "grant_type=%22%7D%0Aevil_total%201&client_id=nope&client_secret=x"),
            401);

  const std::string page = Scrape();
  // Logins by step, outcome and reason.
  EXPECT_EQ(Value(page, R"(iam_logins_total{step="password",outcome="success",reason=""})"), 1);
  EXPECT_EQ(
      Value(page, R"(iam_logins_total{step="password",outcome="failed",reason="wrong_password"})"),
      1);
  EXPECT_EQ(
      Value(page, R"(iam_logins_total{step="password",outcome="failed",reason="unknown_user"})"),
      1);
  // Decisions.
  EXPECT_EQ(Value(page, R"(iam_authz_decisions_total{decision="allow"})"), 1);
  EXPECT_EQ(Value(page, R"(iam_authz_decisions_total{decision="implicit_deny"})"), 2);
  EXPECT_EQ(Value(page, R"(iam_authz_decisions_total{decision="explicit_deny"})"), 0);
  // gRPC calls by method and code, and their latency.
  EXPECT_EQ(Value(page, R"(iam_grpc_requests_total{service="iam.v1.AuthService",method="Login",code="OK"})"),
            3);
  EXPECT_EQ(Value(page, R"(iam_grpc_request_seconds_count{service="iam.v1.AuthService",method="Login"})"),
            3);
  EXPECT_GT(Value(page, R"(iam_grpc_request_seconds_sum{service="iam.v1.AuthService",method="Login"})"),
            0);
  EXPECT_EQ(Value(page, R"(iam_grpc_requests_total{service="iam.v1.AuthzService",method="Check",code="OK"})"),
            3);
  EXPECT_EQ(Value(page, R"(iam_grpc_requests_total{service="iam.v1.AdminService",method="ListUsers",code="UNAUTHENTICATED"})"),
            1);
  // HTTP routes by status, and the token endpoint by grant and result.
  EXPECT_EQ(Value(page, R"(iam_http_responses_total{method="GET",route="/accounts/{account}/jwks",code="200"})"),
            1);
  EXPECT_EQ(Value(page, R"(iam_http_responses_total{method="any",route="unmatched",code="404"})"), 1);
  EXPECT_EQ(Value(page, R"(iam_http_responses_total{method="POST",route="/accounts/{account}/oauth2/token",code="401"})"),
            2);
  EXPECT_EQ(Value(page, R"(iam_tokens_issued_total{grant="client_credentials",result="refused"})"), 1);
  EXPECT_EQ(Value(page, R"(iam_tokens_issued_total{grant="other",result="refused"})"), 1);
  EXPECT_FALSE(absl::StrContains(page, "evil_total"));
  // The store, the process, the build.
  EXPECT_GT(Value(page, R"(iam_store_transactions_total{result="committed"})"), 10);
  EXPECT_GE(Value(page, R"(iam_store_transactions_total{result="failed"})"), 0);
  EXPECT_GE(Value(page, "iam_store_retries_total"), 0);
  EXPECT_GE(Value(page, "iam_store_errors_total"), 0);
  EXPECT_GT(Value(page, "iam_store_pool_max_connections"), 0);
  EXPECT_GE(Value(page, R"(iam_store_pool_connections{state="idle"})"), 1);
  EXPECT_GT(Value(page, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(Value(page, "process_open_fds"), 3);
  EXPECT_GT(Value(page, "process_cpu_seconds_total"), 0);
  EXPECT_GT(Value(page, "process_start_time_seconds"), 1.7e9);
  EXPECT_TRUE(absl::StrContains(page, "iam_build_info{version=\"0.1.0\",commit=\"")) << page;
  EXPECT_GT(Value(page, "iam_password_hashes_total"), 0);
}

// Every line is a comment or `name{labels} value`; every series has its
// family's TYPE before it, and each family is described once.
TEST_P(OperationsTest, MetricsPageIsValidExpositionFormat) {
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
  const std::string page = Scrape();
  ASSERT_FALSE(page.empty());
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  int series = 0;
  for (absl::string_view line : absl::StrSplit(page, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "# HELP ")) {
      std::string name(line.substr(0, line.find(' ')));
      EXPECT_TRUE(helped.insert(name).second) << "HELP twice: " << name;
      continue;
    }
    if (absl::ConsumePrefix(&line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      ASSERT_EQ(parts.size(), 2u) << line;
      EXPECT_TRUE(types.emplace(parts[0], parts[1]).second) << "TYPE twice: " << parts[0];
      continue;
    }
    ASSERT_FALSE(absl::StartsWith(line, "#")) << line;
    const size_t end = line.find_first_of("{ ");
    ASSERT_NE(end, absl::string_view::npos) << line;
    std::string name(line.substr(0, end));
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (absl::EndsWith(name, suffix) && !types.count(name)) {
        family = name.substr(0, name.size() - strlen(suffix));
      }
    }
    EXPECT_TRUE(types.count(family)) << "no TYPE before " << name;
    const size_t space = line.rfind(' ');
    double v = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(space + 1), &v)) << line;
    if (line[end] == '{') {
      EXPECT_EQ(line[space - 1], '}') << line;
    }
    ++series;
  }
  EXPECT_GT(series, 50);
}

TEST_P(OperationsTest, HealthAnswersForEachService) {
  EXPECT_EQ(server_->HealthStatus(""), 1);
  for (const char* name : {"iam.v1.AdminService", "iam.v1.AuthService", "iam.v1.AuthzService",
                           "iam.v1.AuditService"}) {
    EXPECT_EQ(server_->HealthStatus(name), 1) << name;
  }
  EXPECT_EQ(server_->HealthStatus("iam.v1.NoSuchService"), -1);
}

INSTANTIATE_TEST_SUITE_P(Backends, OperationsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
