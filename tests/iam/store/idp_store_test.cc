// Identity providers, federated identities and upstream logins on both
// backends: an alias once per account, one link per upstream subject and
// per user and provider, a provider's links gone with it, and an upstream
// answer taken once however many replicas race for it.
#include "iam/store/idp_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "iam/common/status_macros.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

constexpr char kIdpAccount[] = "111111111111";
constexpr char kOther[] = "222222222222";

class IdpStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { IAM_OPEN_TEST_DATABASE(t_, GetParam()); }
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn) {
    return t_->db().Transact(TxMode::kWrite, fn);
  }
  std::unique_ptr<testing::TestDatabase> t_;
};

TEST_P(IdpStoreTest, ProvidersAndTheirLinks) {
  IdentityProviderRow corp{kIdpAccount, "corp", "oidc", R"({"alias":"corp"})", "v1:sealed", 1, 1};
  ASSERT_OK(Write([&](Tx& tx) { return idps::Insert(tx, corp); }));
  EXPECT_EQ(Write([&](Tx& tx) { return idps::Insert(tx, corp); }).code(),
            absl::StatusCode::kAlreadyExists);
  // Another account may use the alias.
  IdentityProviderRow theirs = corp;
  theirs.account_id = kOther;
  ASSERT_OK(Write([&](Tx& tx) { return idps::Insert(tx, theirs); }));
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    IdentityProviderRow dir{kIdpAccount, "dir", "ldap", "{}", "", 2, 2};
    RETURN_IF_ERROR(idps::Insert(tx, dir));
    auto list = idps::List(tx, kIdpAccount);
    RETURN_IF_ERROR(list.status());
    EXPECT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].alias, "corp");
    EXPECT_EQ((*list)[0].sealed_secret, "v1:sealed");
    corp.config = R"({"alias":"corp","enabled":false})";
    corp.sealed_secret = "";
    corp.updated_at = 5;
    RETURN_IF_ERROR(idps::Update(tx, corp));
    auto got = idps::Get(tx, kIdpAccount, "corp");
    RETURN_IF_ERROR(got.status());
    EXPECT_EQ(got->config, corp.config);
    EXPECT_EQ(got->sealed_secret, "");
    EXPECT_EQ(got->updated_at, 5);
    EXPECT_EQ(idps::Get(tx, kIdpAccount, "nope").status().code(), absl::StatusCode::kNotFound);
    IdentityProviderRow ghost = corp;
    ghost.alias = "ghost";
    EXPECT_EQ(idps::Update(tx, ghost).code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }));

  // One upstream subject is one user; a user has one identity per provider.
  FederatedIdentityRow bob{kIdpAccount, "corp", "sub-bob", "U1", 10, 10};
  ASSERT_OK(Write([&](Tx& tx) { return idps::Link(tx, bob); }));
  FederatedIdentityRow same_subject = bob;
  same_subject.user_id = "U2";
  EXPECT_EQ(Write([&](Tx& tx) { return idps::Link(tx, same_subject); }).code(),
            absl::StatusCode::kAlreadyExists);
  FederatedIdentityRow second_identity = bob;
  second_identity.subject = "sub-bob-2";
  EXPECT_EQ(Write([&](Tx& tx) { return idps::Link(tx, second_identity); }).code(),
            absl::StatusCode::kAlreadyExists);
  FederatedIdentityRow at_dir{kIdpAccount, "dir", "uid=bob", "U1", 11, 11};
  ASSERT_OK(Write([&](Tx& tx) { return idps::Link(tx, at_dir); }));
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(idps::Touch(tx, kIdpAccount, "corp", "sub-bob", 99));
    auto found = idps::FindLink(tx, kIdpAccount, "corp", "sub-bob");
    RETURN_IF_ERROR(found.status());
    EXPECT_TRUE(found->has_value());
    EXPECT_EQ((*found)->user_id, "U1");
    EXPECT_EQ((*found)->last_login_at, 99);
    // Subjects are exact: case matters.
    EXPECT_FALSE(idps::FindLink(tx, kIdpAccount, "corp", "SUB-BOB")->has_value());
    EXPECT_FALSE(idps::FindLink(tx, kOther, "corp", "sub-bob")->has_value());
    EXPECT_EQ(idps::LinksOfUser(tx, "U1")->size(), 2u);
    // Deleting the provider takes its links, not the other provider's.
    RETURN_IF_ERROR(idps::Delete(tx, kIdpAccount, "corp"));
    EXPECT_FALSE(idps::FindLink(tx, kIdpAccount, "corp", "sub-bob")->has_value());
    EXPECT_EQ(idps::LinksOfUser(tx, "U1")->size(), 1u);
    EXPECT_EQ(idps::Delete(tx, kIdpAccount, "corp").code(), absl::StatusCode::kNotFound);
    EXPECT_TRUE(idps::Get(tx, kOther, "corp").ok());
    RETURN_IF_ERROR(idps::DeleteLinksOfUser(tx, "U1"));
    EXPECT_TRUE(idps::LinksOfUser(tx, "U1")->empty());
    return absl::OkStatus();
  }));
}

TEST_P(IdpStoreTest, AnUpstreamAnswerIsTakenOnce) {
  UpstreamLoginRow row{"hash-1", kIdpAccount, "corp", "req-1", "browser", "nonce", "verifier",
                       100, 700};
  ASSERT_OK(Write([&](Tx& tx) { return idps::PutUpstreamLogin(tx, row); }));
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::Status s = Write([&](Tx& tx) -> absl::Status {
        auto got = idps::TakeUpstreamLogin(tx, "hash-1");
        RETURN_IF_ERROR(got.status());
        if (got->has_value()) {
          EXPECT_EQ((*got)->code_verifier, "verifier");
          EXPECT_EQ((*got)->request_id, "req-1");
          ++taken;
        }
        return absl::OkStatus();
      });
      EXPECT_TRUE(s.ok()) << s;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken, 1);
  // Ended ones are purged; live ones stay.
  row.state_hash = "hash-2";
  UpstreamLoginRow live = row;
  live.state_hash = "hash-3";
  live.expires_at = 10'000;
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(idps::PutUpstreamLogin(tx, row));
    RETURN_IF_ERROR(idps::PutUpstreamLogin(tx, live));
    auto purged = idps::PurgeUpstreamLogins(tx, 1000);
    RETURN_IF_ERROR(purged.status());
    EXPECT_EQ(*purged, 1);
    EXPECT_TRUE(idps::TakeUpstreamLogin(tx, "hash-3")->has_value());
    return absl::OkStatus();
  }));
}

INSTANTIATE_TEST_SUITE_P(Backends, IdpStoreTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::store
