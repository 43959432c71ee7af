// Domain rules of accounts, users, groups and keys, on both stores, with an
// injected clock.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "iam/account/access_key_service.h"
#include "iam/account/account_service.h"
#include "iam/account/bootstrap.h"
#include "iam/account/group_service.h"
#include "iam/account/user_service.h"
#include "iam/audit/audit_log.h"
#include "iam/authz/policy_admin_service.h"
#include "iam/authz/policy_authorizer.h"
#include "iam/common/status_macros.h"
#include "iam/store/audit_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::account {
namespace {

using store::Backend;

// The account module's services over one store, wired as the server wires
// them (iam/server/domain.cc).
struct AccountParts {
  AccountParts(store::Database& db, const Clock& clock, Random& random, const PiiCipher& pii,
               const audit::AuditLog& audit, const Authorizer& authorizer,
               authz::AuthzCache* cache)
      : mutations(db, authorizer, audit, nullptr, cache),
        users(db, clock, random, pii, mutations),
        keys(db, clock, random, mutations, settings, nullptr, nullptr),
        accounts(db, clock, random, mutations, settings, users, keys),
        groups(db, clock, random, mutations, users),
        policies(db, clock, random, mutations) {}

  AccountSettings settings;
  Mutations mutations;
  UserService users;
  AccessKeyService keys;
  AccountService accounts;
  GroupService groups;
  authz::PolicyAdminService policies;
};

class AccountServicesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    pii_ = std::make_unique<PiiCipher>(random_.Bytes(32), &random_);
    cache_ = std::make_unique<authz::AuthzCache>(&t_->db());
    decider_ = std::make_unique<authz::Decider>(cache_.get(), &clock_);
    authorizer_ = std::make_unique<authz::PolicyAuthorizer>(decider_.get());
    parts_ = std::make_unique<AccountParts>(t_->db(), clock_, random_, *pii_, audit_,
                                            *authorizer_, cache_.get());
    auto boot = parts_->accounts.Bootstrap({});
    ASSERT_OK(boot);
    system_token_ = *boot->access_key_token;
    auto op = parts_->keys.Authenticate(system_token_, "127.0.0.1", "test");
    ASSERT_OK(op);
    operator_ = *op;
    auto acme = accounts().Create(operator_, {"acme", "Acme", "alice", ""});
    ASSERT_OK(acme);
    acme_ = acme->account.id;
    alice_ = *parts_->keys.Authenticate(acme->admin_key.token, "127.0.0.1", "test");
  }

  AccountService& accounts() { return parts_->accounts; }
  UserService& users() { return parts_->users; }

  std::unique_ptr<testing::TestDatabase> t_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<authz::AuthzCache> cache_;
  std::unique_ptr<authz::Decider> decider_;
  std::unique_ptr<authz::PolicyAuthorizer> authorizer_;
  std::unique_ptr<PiiCipher> pii_;
  audit::AuditLog audit_{&clock_};
  std::unique_ptr<AccountParts> parts_;
  std::string system_token_;
  Caller operator_;
  std::string acme_;
  Caller alice_;
};

// A store whose audit appends fail (a full disk, a lost connection at the
// worst moment): everything else goes through to the real one.
class AuditWritesFail final : public store::Database {
 public:
  explicit AuditWritesFail(store::Database* inner) : inner_(inner) {}
  store::Backend backend() const override { return inner_->backend(); }
  absl::Status Migrate(const std::vector<store::Migration>& m, int64_t now) override {
    return inner_->Migrate(m, now);
  }

 protected:
  absl::Status RunTransaction(store::TxMode mode,
                              const std::function<absl::Status(store::Tx&)>& fn) override {
    return inner_->Transact(mode, [&](store::Tx& tx) {
      FailingTx failing(tx);
      return fn(failing);
    });
  }

 private:
  class FailingTx final : public store::Tx {
   public:
    explicit FailingTx(store::Tx& inner) : inner_(inner) {}
    absl::StatusOr<int64_t> Exec(absl::string_view sql,
                                 const std::vector<store::Value>& params) override {
      if (absl::StrContains(sql, "INSERT INTO audit_log")) {
        return absl::UnavailableError("disk full");
      }
      return inner_.Exec(sql, params);
    }
    absl::StatusOr<std::vector<store::Row>> Query(
        absl::string_view sql, const std::vector<store::Value>& params) override {
      return inner_.Query(sql, params);
    }

   private:
    store::Tx& inner_;
  };
  store::Database* inner_;
};

TEST_P(AccountServicesTest, AChangeWhoseAuditRecordCannotBeWrittenIsNotApplied) {
  ASSERT_OK(users().Create(alice_, "", {"bob", "", "", "", false}));
  auto head_before = [&] {
    int64_t seq = 0;
    EXPECT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto h, store::audit::GetHead(tx, acme_));
      seq = h.seq;
      return absl::OkStatus();
    }));
    return seq;
  };
  const int64_t head = head_before();
  AuditWritesFail failing(&t_->db());
  AccountParts broken(failing, clock_, random_, *pii_, audit_, *authorizer_, cache_.get());

  EXPECT_CODE(broken.users.Create(alice_, "", {"carol", "", "", "", false}),
              absl::StatusCode::kUnavailable);
  EXPECT_CODE(broken.users.Disable(alice_, "", "bob", "leaving"),
              absl::StatusCode::kUnavailable);
  EXPECT_CODE(broken.groups.Create(alice_, "", "devs", ""), absl::StatusCode::kUnavailable);
  NewAccessKey k;
  k.username = "bob";
  EXPECT_CODE(broken.keys.Create(alice_, "", k), absl::StatusCode::kUnavailable);
  EXPECT_CODE(
      broken.policies.Create(
          alice_, "", "Read", "",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"),
      absl::StatusCode::kUnavailable);

  // Nothing of it happened, and the chain is as it was.
  EXPECT_CODE(users().Get(alice_, "", "carol", false), absl::StatusCode::kNotFound);
  auto bob = users().Get(alice_, "", "bob", false);
  ASSERT_OK(bob);
  EXPECT_EQ(bob->row.state, store::UserState::kActive);
  EXPECT_CODE(parts_->groups.Get(alice_, "", "devs"), absl::StatusCode::kNotFound);
  auto keys = parts_->keys.List(alice_, "", "bob");
  ASSERT_OK(keys);
  EXPECT_TRUE(keys->empty());
  EXPECT_CODE(parts_->policies.Get(alice_, "", "Read"), absl::StatusCode::kNotFound);
  EXPECT_EQ(head_before(), head);
  auto v = audit::VerifyChain(t_->db(), acme_);
  ASSERT_OK(v);
  EXPECT_EQ(v->first_bad_seq, 0) << v->problem;
}

TEST_P(AccountServicesTest, BootstrapHappensOnce) {
  auto again = parts_->accounts.Bootstrap({});
  ASSERT_OK(again);
  EXPECT_EQ(again->account_id, operator_.account_id);
  EXPECT_FALSE(again->access_key_token.has_value());
}

TEST_P(AccountServicesTest, PersonalDataIsSealedAtRestAndMaskedOnRead) {
  ASSERT_OK(users().Create(alice_, "", {"bob", "Bob", "bob@example.com", "13812341234", false}));
  std::vector<store::Row> rows;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows,
                     tx.Query("SELECT email_enc, phone_enc FROM users WHERE username = 'bob'", {}));
    return absl::OkStatus();
  }));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Str(0).find("bob@"), std::string::npos);
  EXPECT_EQ(rows[0].Str(1).find("1381234"), std::string::npos);
  auto masked = users().Get(alice_, "", "bob", false);
  EXPECT_EQ(masked->email, "b***@example.com");
  EXPECT_EQ(masked->phone, "138****1234");
  auto clear = users().Get(alice_, "", "bob", true);
  EXPECT_EQ(clear->email, "bob@example.com");
  EXPECT_TRUE(clear->revealed);
}

TEST_P(AccountServicesTest, NonAdminsMayNotRevealOrManage) {
  auto bob = users().Create(alice_, "", {"bob", "", "", "", false});
  ASSERT_OK(bob);
  auto key = parts_->keys.Create(alice_, "", {"bob", "", std::nullopt, {}, ""});
  ASSERT_OK(key);
  Caller b = *parts_->keys.Authenticate(key->token, "127.0.0.1", "");
  EXPECT_CODE(users().Get(b, "", "alice", true), absl::StatusCode::kPermissionDenied);
  EXPECT_CODE(users().Create(b, "", {"eve", "", "", "", true}),
              absl::StatusCode::kPermissionDenied);
}

TEST_P(AccountServicesTest, OtherAccountsAreInvisible) {
  // The system account's admin manages accounts, never what is inside them.
  EXPECT_CODE(users().Get(operator_, acme_, "alice", false), absl::StatusCode::kNotFound);
  EXPECT_CODE(users().List(operator_, acme_, 0, "", false), absl::StatusCode::kNotFound);
  // An account admin cannot see the system account or another tenant.
  EXPECT_CODE(accounts().Get(alice_, operator_.account_id), absl::StatusCode::kNotFound);
  EXPECT_CODE(accounts().Suspend(alice_, acme_, ""), absl::StatusCode::kPermissionDenied);
  EXPECT_CODE(accounts().List(alice_, 0, ""), absl::StatusCode::kPermissionDenied);
}

TEST_P(AccountServicesTest, ClosedAccountIsPurgedOnlyAfterTheGracePeriod) {
  ASSERT_OK(users().Create(alice_, "", {"bob", "", "bob@example.com", "", false}));
  ASSERT_OK(parts_->groups.Create(alice_, "", "devs", ""));
  ASSERT_OK(parts_->groups.AddMember(alice_, "", "devs", "bob"));
  ASSERT_OK(accounts().Close(operator_, acme_, "contract ended"));
  // Nobody of a closed account authenticates.
  clock_.Advance(absl::Hours(24 * 59));
  EXPECT_EQ(*accounts().PurgeClosedAccounts(), 0);
  ASSERT_OK(accounts().Reactivate(operator_, acme_));  // still within grace
  ASSERT_OK(accounts().Close(operator_, acme_, ""));
  clock_.Advance(absl::Hours(24 * 60));
  EXPECT_CODE(accounts().Reactivate(operator_, acme_), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*accounts().PurgeClosedAccounts(), 1);
  EXPECT_EQ(accounts().Get(operator_, acme_)->state, store::AccountState::kPurged);
  int64_t users_left = -1;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows,
                     tx.Query("SELECT COUNT(*) FROM users WHERE account_id = ?", {acme_}));
    users_left = rows[0].Int(0);
    return absl::OkStatus();
  }));
  EXPECT_EQ(users_left, 0);
  EXPECT_EQ(*accounts().PurgeClosedAccounts(), 0);  // idempotent
  // The account's audit trail survives the purge and still verifies.
  auto v = audit::VerifyChain(t_->db(), acme_);
  ASSERT_OK(v);
  EXPECT_EQ(v->first_bad_seq, 0);
  EXPECT_GE(v->records, 5);
}

TEST_P(AccountServicesTest, AccessKeysExpireAndAreRevocable) {
  AccessKeyService& keys = parts_->keys;
  NewAccessKey nk{"alice", "ci", clock_.Now() + absl::Hours(1), {"10.0.0.0/8"}, ""};
  auto k = keys.Create(alice_, "", nk);
  ASSERT_OK(k);
  EXPECT_OK(keys.Authenticate(k->token, "10.1.2.3", ""));
  EXPECT_CODE(keys.Authenticate(k->token, "192.168.0.1", ""), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Hours(2));
  std::string why;
  EXPECT_CODE(keys.Authenticate(k->token, "10.1.2.3", "", &why),
              absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(why, "key expired");
  auto k2 = keys.Create(alice_, "", {"alice", "", std::nullopt, {}, ""});
  ASSERT_OK(k2);
  ASSERT_OK(keys.Revoke(alice_, "", k2->key.row.id));
  EXPECT_CODE(keys.Authenticate(k2->token, "127.0.0.1", "", &why),
              absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(why, "key revoked");
}

TEST_P(AccountServicesTest, TheLastAdminCannotBeRemoved) {
  auto second = users().Create(alice_, "", {"carol", "", "", "", true});
  ASSERT_OK(second);
  EXPECT_CODE(users().Disable(alice_, "", "alice", ""), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK(users().Disable(alice_, "", "carol", "left"));
  UserUpdate demote;
  demote.admin = false;
  EXPECT_CODE(users().Update(alice_, "", "alice", demote), absl::StatusCode::kFailedPrecondition);
}

TEST_P(AccountServicesTest, DisablingAUserStopsItsKeysAtOnce) {
  ASSERT_OK(users().Create(alice_, "", {"bob", "", "", "", false}));
  auto k = parts_->keys.Create(alice_, "", {"bob", "", std::nullopt, {}, ""});
  ASSERT_OK(k);
  ASSERT_OK(users().Disable(alice_, "", "bob", "left the company"));
  EXPECT_CODE(parts_->keys.Authenticate(k->token, "127.0.0.1", ""),
              absl::StatusCode::kUnauthenticated);
  ASSERT_OK(users().Enable(alice_, "", "bob"));
  EXPECT_OK(parts_->keys.Authenticate(k->token, "127.0.0.1", ""));
}

TEST_P(AccountServicesTest, EveryChangeIsAuditedInTheSameChain) {
  int64_t before = 0, after = 0;
  auto head = [&](int64_t* out) {
    return t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto h, store::audit::GetHead(tx, acme_));
      *out = h.seq;
      return absl::OkStatus();
    });
  };
  ASSERT_OK(head(&before));
  ASSERT_OK(users().Create(alice_, "", {"bob", "", "", "", false}));
  ASSERT_OK(parts_->groups.Create(alice_, "", "devs", ""));
  ASSERT_OK(parts_->groups.AddMember(alice_, "", "devs", "bob"));
  // A refused change writes no record.
  EXPECT_CODE(users().Create(alice_, "", {"BOB", "", "", "", false}),
              absl::StatusCode::kAlreadyExists);
  ASSERT_OK(head(&after));
  EXPECT_EQ(after - before, 3);
  std::vector<store::AuditRow> rows;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store::audit::ListAscending(tx, acme_, before, 10));
    return absl::OkStatus();
  }));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].action, "iam:CreateUser");
  EXPECT_EQ(rows[0].actor, alice_.Arn());
  EXPECT_EQ(rows[0].source_ip, "127.0.0.1");
  EXPECT_EQ(rows[2].action, "iam:AddUserToGroup");
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountServicesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::account
