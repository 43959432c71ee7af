// What the all-mutations tests share: a server with an account, a way to see
// every table and every audit record, and a store that refuses audit records
// on demand (as a full disk would), to show that no change lands without its
// record.
#ifndef IAM_TESTS_E2E_MUTATION_TEST_H_
#define IAM_TESTS_E2E_MUTATION_TEST_H_

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "tests/support/server_test.h"

namespace iam::e2e {

class MutationTest : public testing::ServerTest {
 protected:
  using Rowset = std::vector<std::vector<std::string>>;

  // The methods of a service that may change state: all but Get*, List*,
  // Export* and the ones named in `reads`.
  static std::vector<std::string> MutatingMethods(const std::string& service,
                                                  const std::set<std::string>& reads = {}) {
    std::vector<std::string> out;
    const auto* s = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    EXPECT_NE(s, nullptr) << service;
    if (s == nullptr) return out;
    for (int i = 0; i < s->method_count(); ++i) {
      const std::string name = s->method(i)->name();
      bool read = reads.count(name) > 0;
      for (const char* prefix : {"Get", "List", "Export"}) {
        read = read || absl::StartsWith(name, prefix);
      }
      if (!read) out.push_back(name);
    }
    return out;
  }

  // Every audit record as (chain, sequence number, action, object id).
  std::set<std::vector<std::string>> AuditRecords() {
    const Rowset rows = Rows("SELECT account_id, seq, action, object_id FROM audit_log");
    return {rows.begin(), rows.end()};
  }

  // The records added since `before`, in the order they were written.
  Rowset AddedSince(const std::set<std::vector<std::string>>& before) {
    Rowset added;
    for (const auto& r : AuditRecords()) {
      if (!before.count(r)) added.push_back(r);
    }
    std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) {
      return std::make_pair(a[0], std::stoll(a[1])) < std::make_pair(b[0], std::stoll(b[1]));
    });
    return added;
  }

  // Every row of every table but the audit log's, as text.
  std::map<std::string, Rowset> Tables() {
    const Rowset names = Rows(GetParam() == store::Backend::kSqlite
                                  ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                    "NOT LIKE 'sqlite_%' ORDER BY name"
                                  : "SELECT table_name FROM information_schema.tables WHERE "
                                    "table_schema = DATABASE() ORDER BY table_name");
    std::map<std::string, Rowset> out;
    for (const auto& n : names) out[n[0]] = Rows("SELECT * FROM " + n[0] + " ORDER BY 1");
    return out;
  }

  // Fails the test for every table that differs from `before`.
  void ExpectTablesUnchanged(const std::map<std::string, Rowset>& before) {
    const auto after = Tables();
    for (const auto& [name, rows] : before) {
      EXPECT_EQ(after.at(name), rows) << "table " << name << " changed without an audit record";
    }
  }

  Rowset Rows(const std::string& sql) {
    Rowset out;
    EXPECT_TRUE(t_->db()
                    .Transact(store::TxMode::kRead,
                              [&](store::Tx& tx) -> absl::Status {
                                out.clear();
                                auto rows = tx.Query(sql, {});
                                if (!rows.ok()) return rows.status();
                                for (const auto& r : *rows) {
                                  std::vector<std::string> cells;
                                  for (size_t i = 0; i < r.size(); ++i) cells.push_back(r.Str(i));
                                  out.push_back(std::move(cells));
                                }
                                return absl::OkStatus();
                              })
                    .ok())
        << sql;
    return out;
  }

  // The store refuses every new audit record, as a full disk would.
  void RefuseAuditRecords(bool refuse) {
    if (!refuse) return Sql("DROP TRIGGER audit_refused");
    Sql(GetParam() == store::Backend::kSqlite
            ? "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
              "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            : "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log FOR EACH ROW "
              "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit refused'");
  }
};

}  // namespace iam::e2e

#endif  // IAM_TESTS_E2E_MUTATION_TEST_H_
