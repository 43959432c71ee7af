// A second iamd pointed at ports another one holds refuses to start, with
// one clear line, instead of sharing them (gRPC enables SO_REUSEPORT by
// default, which would split calls and JWKS fetches between the two).
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

TEST(ListenTest, ASecondServerOnTakenPortsRefusesToStart) {
  std::string skip;
  auto first_db = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
  auto second_db = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
  ASSERT_TRUE(first_db && second_db) << skip;
  FakeClock clock;
  CryptoRandom random;
  auto first = testing::TestServer::Start(testing::TestConfig(*first_db), &clock, &random);
  ASSERT_NE(first, nullptr);

  Config grpc_taken = testing::TestConfig(*second_db);
  grpc_taken.listen = first->server().address();
  auto s = server::IamServer::Start(grpc_taken, &clock, &random);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("in use"), absl::string_view::npos) << s.status();
  EXPECT_NE(s.status().message().find(first->server().address()), absl::string_view::npos);

  Config http_taken = testing::TestConfig(*second_db);
  http_taken.http_listen = absl::StrCat("127.0.0.1:", first->server().http_port());
  s = server::IamServer::Start(http_taken, &clock, &random);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("(HTTP)"), absl::string_view::npos) << s.status();

  // The first one still answers alone.
  v1::GetCallerIdentityRequest r;
  v1::GetCallerIdentityResponse out;
  EXPECT_TRUE(first->Call(first->root_token(), &v1::AdminService::Stub::GetCallerIdentity, r, &out)
                  .ok());
}

}  // namespace
}  // namespace iam::e2e
