#include "iam/account/arn.h"

#include <gtest/gtest.h>

#include "iam/store/authz_records.h"

namespace iam::account {
namespace {

TEST(ArnTest, BuildsEachKindOfIamObject) {
  EXPECT_EQ(UserArn("123456789012", "alice"), "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(GroupArn("123456789012", "ops"), "arn:aws:iam::123456789012:group/ops");
  EXPECT_EQ(RoleArn("123456789012", "dev"), "arn:aws:iam::123456789012:role/dev");
  EXPECT_EQ(ManagedPolicyArn("123456789012", "P"), "arn:aws:iam::123456789012:policy/P");
  EXPECT_EQ(IamArn("123456789012", "account"), "arn:aws:iam::123456789012:account");
  EXPECT_EQ(PrincipalPath(store::PrincipalType::kGroup, "ops"), "group/ops");
}

TEST(ArnTest, ANameThatIsNotOneIsJudgedAsEverything) {
  EXPECT_EQ(IamArn("123456789012", "user/bad name"), "arn:aws:iam::123456789012:*");
  EXPECT_EQ(IamArn("123456789012", std::string("user/\xc3\xa9")), "arn:aws:iam::123456789012:*");
  EXPECT_EQ(IamArn("123456789012", "user/" + std::string(300, 'a')), "arn:aws:iam::123456789012:*");
}

TEST(ArnTest, ParsesWhatItBuilds) {
  auto n = ParseIamArn(ManagedPolicyArn("123456789012", "Team/Read"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->account, "123456789012");
  EXPECT_EQ(n->kind, "policy");
  EXPECT_EQ(n->name, "Team/Read");  // the name keeps its own slashes
  n = ParseIamArn("arn:aws:iam::123456789012:account");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, "account");
  EXPECT_EQ(n->name, "");
}

TEST(ArnTest, RefusesWhatIsNotAnIamArnOfAnAccount) {
  for (const char* bad : {"", "arn:aws:s3:::bucket", "arn:aws:iam:::user/x", "arn:aws:iam::1",
                          "arn:aws:iam::123456789012:", "user/alice"}) {
    EXPECT_FALSE(ParseIamArn(bad).has_value()) << bad;
  }
}

TEST(StatesTest, EveryNameParsesBackAndUnknownNamesDoNot) {
  using namespace store;
  for (auto s : {AccountState::kActive, AccountState::kSuspended, AccountState::kClosed,
                 AccountState::kPurged}) {
    EXPECT_EQ(ParseAccountState(Name(s)), s);
  }
  for (auto s : {UserState::kActive, UserState::kDisabled}) EXPECT_EQ(ParseUserState(Name(s)), s);
  for (auto s : {DeviceState::kKnown, DeviceState::kPending, DeviceState::kApproved,
                 DeviceState::kRevoked}) {
    EXPECT_EQ(ParseDeviceState(Name(s)), s);
  }
  for (auto t : {PrincipalType::kUser, PrincipalType::kGroup, PrincipalType::kRole}) {
    EXPECT_EQ(ParsePrincipalType(Name(t)), t);
  }
  EXPECT_FALSE(ParseAccountState("Active").has_value());
  EXPECT_FALSE(ParseUserState("").has_value());
  EXPECT_FALSE(ParsePrincipalType("user ").has_value());
}

TEST(StatesTest, AStoredPrincipalOfAnUnknownTypeNamesNoOne) {
  EXPECT_EQ(store::PrincipalOf("role", "r1"),
            (store::PrincipalRef{store::PrincipalType::kRole, "r1"}));
  EXPECT_EQ(store::PrincipalOf("robot", "r1").id, "");
}

}  // namespace
}  // namespace iam::account
