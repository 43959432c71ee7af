// Requests protobuf cannot parse answer INVALID_ARGUMENT with a message,
// on synchronous and callback methods alike, and change nothing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {


TEST(MalformedRequestTest, UnparseableRequestsAreInvalidArgument) {
  std::string skip;
  auto db = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
  ASSERT_TRUE(db) << skip;
  FakeClock clock;
  CryptoRandom random;
  auto server = testing::TestServer::Start(testing::TestConfig(*db), &clock, &random);
  ASSERT_NE(server, nullptr);
  const std::string root = server->root_token();
  // Field 1 (a string) holding invalid UTF-8; a length running past the end.
  const std::string bad_utf8("\x0a\x02\xff\xfe", 4);
  const std::string truncated("\x0a\x10" "abc", 5);
  for (const char* method : {"/iam.v1.AdminService/CreateAccount", "/iam.v1.AuthService/Login",
                             "/iam.v1.AuthzService/Check", "/iam.v1.AuthService/VerifyToken"}) {
    for (const std::string& bytes : {bad_utf8, truncated}) {
      grpc::Status s = server->CallRaw(method, root, bytes);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method << " " << s.error_message();
      EXPECT_NE(s.error_message().find("not a valid message"), std::string::npos) << method;
    }
  }
  // Nothing was created by the malformed CreateAccount.
  v1::ListAccountsRequest r;
  v1::ListAccountsResponse out;
  ASSERT_TRUE(server->Call(root, &v1::AdminService::Stub::ListAccounts, r, &out).ok());
  EXPECT_EQ(out.accounts_size(), 1);  // the system account alone
  // A well-formed request still works.
  v1::GetCallerIdentityRequest who;
  v1::GetCallerIdentityResponse me;
  EXPECT_TRUE(server->Call(root, &v1::AdminService::Stub::GetCallerIdentity, who, &me).ok());
}

}  // namespace
}  // namespace iam::e2e
