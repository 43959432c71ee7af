// The store contract: every test runs against SQLite and against MySQL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/audit/audit_log.h"
#include "iam/common/clock.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/audit_store.h"
#include "iam/store/client_store.h"
#include "iam/store/mysql/mysql_database.h"
#include "iam/store/open_database.h"
#include "iam/store/user_store.h"
#include "schemas/migrations.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { IAM_OPEN_TEST_DATABASE(t_, GetParam()); }

  Database& db() { return t_->db(); }
  const std::vector<Migration>& migrations() {
    return GetParam() == Backend::kSqlite ? schemas::sqlite_migrations()
                                          : schemas::mysql_migrations();
  }
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn) {
    return db().Transact(TxMode::kWrite, fn);
  }
  AccountRow Account(const std::string& id, const std::string& name) {
    return AccountRow{id, name, name,         AccountState::kActive, false,
                      1,  1,    std::nullopt, std::nullopt};
  }
  UserRow User(const std::string& id, const std::string& account, const std::string& name) {
    UserRow u;
    u.id = id;
    u.account_id = account;
    u.username = name;
    u.state = UserState::kActive;
    return u;
  }

  std::unique_ptr<testing::TestDatabase> t_;
  std::string fresh_db_;
};

TEST_P(StoreContractTest, MigrationsAreRecordedAndIdempotent) {
  EXPECT_EQ(*db().SchemaVersion(), migrations().back().version);
  ASSERT_OK(db().Migrate(migrations(), 5));
  EXPECT_EQ(*db().SchemaVersion(), migrations().back().version);
}

TEST_P(StoreContractTest, RefusesASchemaNewerThanTheBinary) {
  ASSERT_OK(Write([](Tx& tx) {
    return tx
        .Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
              {int64_t{999}, std::string("from_the_future"), int64_t{1}})
        .status();
  }));
  absl::Status s = db().Migrate(migrations(), 5);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("999"), absl::string_view::npos) << s;
}

TEST_P(StoreContractTest, UsernamesAreUniquePerAccountRegardlessOfCase) {
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(accounts::Insert(tx, Account("111111111111", "a")));
    RETURN_IF_ERROR(accounts::Insert(tx, Account("222222222222", "b")));
    RETURN_IF_ERROR(users::Insert(tx, User("U1", "111111111111", "Alice")));
    return users::Insert(tx, User("U2", "222222222222", "alice"));  // other account: fine
  }));
  EXPECT_CODE(Write([&](Tx& tx) { return users::Insert(tx, User("U3", "111111111111", "ALICE")); }),
              absl::StatusCode::kAlreadyExists);
  absl::StatusOr<UserRow> found = absl::NotFoundError("");
  ASSERT_OK(db().Transact(TxMode::kRead, [&](Tx& tx) {
    found = users::GetByUsername(tx, "111111111111", "aLiCe");
    return absl::OkStatus();
  }));
  ASSERT_OK(found);
  EXPECT_EQ(found->id, "U1");
}

TEST_P(StoreContractTest, ClientsAreUniquePerAccountAndKeepTheirSecretsAndServiceAccount) {
  ClientRow c;
  c.id = "C1";
  c.account_id = "111111111111";
  c.client_id = "payments";
  c.metadata = R"({"grant_types":["client_credentials"]})";
  c.secret_hash = std::string(64, 'a');
  c.secret_created_at = 5;
  c.service_user_id = "SU1";
  c.created_at = c.updated_at = 5;
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(accounts::Insert(tx, Account("111111111111", "a")));
    RETURN_IF_ERROR(accounts::Insert(tx, Account("222222222222", "b")));
    UserRow su = User("SU1", "111111111111", "service-account-payments");
    su.kind = UserKind::kService;
    RETURN_IF_ERROR(users::Insert(tx, su));
    RETURN_IF_ERROR(clients::Insert(tx, c));
    ClientRow other = c;
    other.id = "C2";
    other.account_id = "222222222222";
    other.service_user_id.reset();
    return clients::Insert(tx, other);  // the same client_id in another account
  }));
  ClientRow dup = c;
  dup.id = "C3";
  dup.service_user_id.reset();
  EXPECT_CODE(Write([&](Tx& tx) { return clients::Insert(tx, dup); }),
              absl::StatusCode::kAlreadyExists);
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(ClientRow got, clients::Get(tx, "111111111111", "payments"));
    EXPECT_EQ(got.id, "C1");
    EXPECT_EQ(got.secret_hash, c.secret_hash);
    EXPECT_EQ(got.service_user_id, "SU1");
    EXPECT_EQ(got.state, ClientState::kActive);
    ASSIGN_OR_RETURN(UserRow su, users::Get(tx, "SU1"));
    EXPECT_EQ(su.kind, UserKind::kService);
    got.old_secret_hash = got.secret_hash;
    got.old_secret_expires_at = 99;
    got.secret_hash = std::string(64, 'b');
    got.state = ClientState::kDisabled;
    RETURN_IF_ERROR(clients::Update(tx, got));
    ASSIGN_OR_RETURN(ClientRow again, clients::Get(tx, "111111111111", "payments"));
    EXPECT_EQ(again.old_secret_hash, std::string(64, 'a'));
    EXPECT_EQ(again.old_secret_expires_at, 99);
    EXPECT_EQ(again.state, ClientState::kDisabled);
    ASSIGN_OR_RETURN(auto of, clients::OfServiceUser(tx, "SU1"));
    EXPECT_TRUE(of.has_value());
    EXPECT_CODE(clients::Get(tx, "111111111111", "PAYMENTS").status(),
                absl::StatusCode::kNotFound);  // client ids are exact
    return absl::OkStatus();
  }));
}

TEST_P(StoreContractTest, AnInitialAccessTokenIsUsedAtMostItsUsesEvenUnderRaces) {
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(accounts::Insert(tx, Account("111111111111", "a")));
    return clients::InsertInitialAccessToken(
        tx, {"T1", "111111111111", std::string(64, 'h'), "ci", 3, 1000, 1});
  }));
  std::atomic<int> won{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&] {
      absl::Status s = Write([&](Tx& tx) {
        return clients::ConsumeInitialAccessToken(tx, "111111111111", std::string(64, 'h'), 500);
      });
      if (s.ok()) won.fetch_add(1);
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 3);
  // Expired, or of another account: not usable either.
  ASSERT_OK(Write([&](Tx& tx) {
    return clients::InsertInitialAccessToken(
        tx, {"T2", "111111111111", std::string(64, 'e'), "old", 5, 1000, 1});
  }));
  EXPECT_CODE(Write([&](Tx& tx) {
                return clients::ConsumeInitialAccessToken(tx, "111111111111",
                                                          std::string(64, 'e'), 1000);
              }),
              absl::StatusCode::kNotFound);
  EXPECT_CODE(Write([&](Tx& tx) {
                return clients::ConsumeInitialAccessToken(tx, "222222222222",
                                                          std::string(64, 'e'), 10);
              }),
              absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, RevocationsAreIdempotentAndProofsAreSeenOnce) {
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(clients::Revoke(tx, "jti-1", "111111111111", 100));
    return clients::Revoke(tx, "jti-1", "111111111111", 100);
  }));
  ASSERT_OK(Write([](Tx& tx) { return clients::RememberProof(tx, "p1", 100); }));
  EXPECT_CODE(Write([](Tx& tx) { return clients::RememberProof(tx, "p1", 100); }),
              absl::StatusCode::kAlreadyExists);
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(bool revoked, clients::IsRevoked(tx, "jti-1"));
    EXPECT_TRUE(revoked);
    ASSIGN_OR_RETURN(int64_t purged, clients::PurgeEnded(tx, 100));
    EXPECT_EQ(purged, 2);
    ASSIGN_OR_RETURN(revoked, clients::IsRevoked(tx, "jti-1"));
    EXPECT_FALSE(revoked);
    return absl::OkStatus();
  }));
}

TEST_P(StoreContractTest, AFailedTransactionLeavesNothingBehind) {
  absl::Status s = Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(accounts::Insert(tx, Account("333333333333", "c")));
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_CODE(s, absl::StatusCode::kInvalidArgument);
  EXPECT_OK(Write([&](Tx& tx) { return accounts::Insert(tx, Account("333333333333", "c")); }));
}

TEST_P(StoreContractTest, AReadTransactionCannotWrite) {
  // On a Galera cluster a read transaction may run on another node than the
  // writes; a write slipped into one is refused on every backend alike.
  absl::Status s = db().Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
    return accounts::Insert(tx, Account("444444444444", "d"));
  });
  EXPECT_CODE(s, absl::StatusCode::kInternal);
  EXPECT_NE(s.message().find("read transaction"), absl::string_view::npos) << s;
  EXPECT_OK(Write([&](Tx& tx) { return accounts::Insert(tx, Account("444444444444", "d")); }));
}

TEST_P(StoreContractTest, HostileStringsAreStoredVerbatim) {
  const std::vector<std::string> hostile = {"x'); DROP TABLE accounts;--", "\" OR 1=1 --", "名字 😀",
                                            "back\\slash", "%_wild%"};
  for (size_t i = 0; i < hostile.size(); ++i) {
    const std::string id = std::string(11, '4') + std::to_string(i);
    ASSERT_OK(Write([&](Tx& tx) {
      AccountRow a = Account(id, "n" + std::to_string(i));
      a.display_name = hostile[i];
      return accounts::Insert(tx, a);
    }));
    AccountRow back;
    ASSERT_OK(db().Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(back, accounts::Get(tx, id));
      return absl::OkStatus();
    }));
    EXPECT_EQ(back.display_name, hostile[i]);
  }
}

TEST_P(StoreContractTest, TheDatabaseRefusesToChangeOrDeleteAuditRecords) {
  FakeClock clock;
  ::iam::audit::AuditLog log(&clock);
  ::iam::audit::Event e;
  e.account_id = "555555555555";
  e.actor = "test";
  e.action = "iam:Test";
  ASSERT_OK(Write([&](Tx& tx) { return log.Append(tx, e); }));
  EXPECT_CODE(
      Write([](Tx& tx) { return tx.Exec("UPDATE audit_log SET actor = 'mallory'", {}).status(); }),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_CODE(Write([](Tx& tx) { return tx.Exec("DELETE FROM audit_log", {}).status(); }),
              absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(::iam::audit::VerifyChain(db(), "555555555555")->records, 1);
}

TEST_P(StoreContractTest, ConcurrentAuditAppendsFormOneGaplessChain) {
  FakeClock clock;
  ::iam::audit::AuditLog log(&clock);
  constexpr int kThreads = 8, kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ::iam::audit::Event e;
        e.account_id = "666666666666";
        e.actor = "thread-" + std::to_string(t);
        e.action = "iam:Test";
        if (!Write([&](Tx& tx) { return log.Append(tx, e); }).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto v = ::iam::audit::VerifyChain(db(), "666666666666");
  ASSERT_OK(v);
  EXPECT_EQ(v->records, kThreads * kEach);
  EXPECT_EQ(v->first_bad_seq, 0) << v->problem;
}

TEST_P(StoreContractTest, VerifyNamesTheFirstAlteredRecord) {
  FakeClock clock;
  ::iam::audit::AuditLog log(&clock);
  for (int i = 0; i < 5; ++i) {
    ::iam::audit::Event e;
    e.account_id = "777777777777";
    e.actor = "admin";
    e.action = "iam:Step" + std::to_string(i);
    ASSERT_OK(Write([&](Tx& tx) { return log.Append(tx, e); }));
  }
  // Someone with direct database access removes the guard and edits record 3.
  ASSERT_OK(Write([](Tx& tx) { return tx.Exec("DROP TRIGGER audit_log_no_update", {}).status(); }));
  ASSERT_OK(Write([](Tx& tx) {
    return tx.Exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", {}).status();
  }));
  auto v = ::iam::audit::VerifyChain(db(), "777777777777");
  ASSERT_OK(v);
  EXPECT_EQ(v->first_bad_seq, 3) << v->problem;
}

TEST_P(StoreContractTest, DeadlockedTransactionsAreRetriedUntilBothCommit) {
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(accounts::Insert(tx, Account("811111111111", "da")));
    return accounts::Insert(tx, Account("822222222222", "db"));
  }));
  // Two writers take the same two rows in opposite orders; each waits at a
  // barrier after its first row on its first attempt only. On MySQL one of
  // them deadlocks and Transact re-runs it; on SQLite, BEGIN IMMEDIATE makes
  // the second wait for the first, so no deadlock can form at all.
  std::atomic<int> arrived{0};
  std::atomic<int> attempts{0};
  auto writer = [&](const std::string& first, const std::string& second) {
    bool waited = false;
    return Write([&, first, second](Tx& tx) -> absl::Status {
      ++attempts;
      RETURN_IF_ERROR(
          tx.Exec("UPDATE accounts SET display_name = 'x' WHERE id = ?", {first}).status());
      if (!waited) {
        waited = true;
        ++arrived;
        for (int i = 0; i < 200 && arrived.load() < 2; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      }
      return tx.Exec("UPDATE accounts SET display_name = 'y' WHERE id = ?", {second}).status();
    });
  };
  absl::Status a, b;
  std::thread t1([&] { a = writer("811111111111", "822222222222"); });
  std::thread t2([&] { b = writer("822222222222", "811111111111"); });
  t1.join();
  t2.join();
  EXPECT_OK(a);
  EXPECT_OK(b);
  if (GetParam() == Backend::kMysql) {
    EXPECT_GE(attempts.load(), 3) << "no deadlock was retried";
  } else {
    EXPECT_EQ(attempts.load(), 2);
  }
}

// Replicas starting at once on an empty database (on Galera, through
// different nodes): one applies the migrations, the others wait for the
// lock row and find them applied.
TEST_P(StoreContractTest, ReplicasStartingAtOnceMigrateOnce) {
  std::string url;
  if (GetParam() == Backend::kSqlite) {
    url = "sqlite://" + t_->dir() + "/fresh.db";
  } else {
    const std::string name =
        "iam_m_" + std::to_string(::getpid()) + "_" +
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
    ASSERT_OK(Write([&](Tx& tx) { return tx.Exec("CREATE DATABASE " + name, {}).status(); }));
    fresh_db_ = name;
    url = t_->url().substr(0, t_->url().rfind('/') + 1) + name;
  }
  // The hosts of a cluster URL, rotated: replica i prefers node i.
  auto rotated = [&](int i) {
    const size_t at = url.rfind('@') + 1, slash = url.find('/', at);
    std::vector<std::string> hosts = absl::StrSplit(url.substr(at, slash - at), ',');
    std::rotate(hosts.begin(), hosts.begin() + (i % hosts.size()), hosts.end());
    return url.substr(0, at) + absl::StrJoin(hosts, ",") + url.substr(slash);
  };
  constexpr int kReplicas = 4;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::unique_ptr<Database>> dbs(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      OpenOptions o;
      o.pool_size = 2;
      auto db = OpenDatabase(GetParam() == Backend::kSqlite ? url : rotated(i), o);
      results[i] = db.status();
      if (db.ok()) dbs[i] = std::move(db).value();
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < kReplicas; ++i) {
    ASSERT_OK(results[i]);
    EXPECT_EQ(*dbs[i]->SchemaVersion(), migrations().back().version);
  }
  int64_t rows = 0;
  ASSERT_OK(dbs[0]->Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, tx.Query("SELECT COUNT(*) FROM schema_version", {}));
    rows = r[0].Int(0);
    return absl::OkStatus();
  }));
  EXPECT_EQ(rows, static_cast<int64_t>(migrations().size()));
  dbs.clear();
  if (!fresh_db_.empty()) {
    ASSERT_OK(Write([&](Tx& tx) { return tx.Exec("DROP DATABASE " + fresh_db_, {}).status(); }));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

class MysqlReconnectTest : public ::testing::Test {};

TEST_F(MysqlReconnectTest, ATransactionSurvivesItsConnectionBeingKilled) {
  std::unique_ptr<testing::TestDatabase> t;
  IAM_OPEN_TEST_DATABASE(t, Backend::kMysql);
  auto& db = static_cast<mysql::MysqlDatabase&>(t->db());
  ASSERT_OK(db.SchemaVersion());  // leaves a pooled connection
  std::vector<int64_t> ids = db.IdleConnectionIds();
  ASSERT_FALSE(ids.empty());
  // A second handle kills every idle connection of the first, as a server
  // restart or an idle timeout would.
  auto killer = mysql::MysqlDatabase::Open(*mysql::ParseMysqlUrl(t->url()));
  ASSERT_OK(killer);
  for (int64_t id : ids) {
    ASSERT_OK((*killer)->Transact(TxMode::kWrite,
                                  [&](Tx& tx) { return tx.Exec("KILL ?", {id}).status(); }));
  }
  auto version = db.SchemaVersion();
  ASSERT_OK(version);
  EXPECT_GT(*version, 0);
}

}  // namespace
}  // namespace iam::store
