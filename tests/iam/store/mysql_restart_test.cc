// The MySQL backend across a real server restart: a private MariaDB is
// started, stopped and started again by scripts/mariadb.sh. While it is down
// calls answer UNAVAILABLE promptly; once it is back the pool reconnects by
// itself and no data is lost.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/open_database.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

class MysqlRestartTest : public testing::PrivateMariadb {};

TEST_F(MysqlRestartTest, ThePoolReconnectsAfterTheServerRestarts) {
  auto db = OpenDatabase(url_, {});
  ASSERT_OK(db);
  auto insert = [&](const std::string& id) {
    return (*db)->Transact(TxMode::kWrite, [&](Tx& tx) {
      return accounts::Insert(tx, AccountRow{id, "n" + id, "x", AccountState::kActive, false, 1, 1,
                                             std::nullopt, std::nullopt});
    });
  };
  ASSERT_OK(insert("100000000001"));

  ASSERT_EQ(Ctl("stop"), 0);
  EXPECT_CODE(insert("100000000002"), absl::StatusCode::kUnavailable);

  ASSERT_EQ(Ctl("restart"), 0);
  ASSERT_OK(insert("100000000003"));
  int64_t count = 0;
  ASSERT_OK((*db)->Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM accounts", {}));
    count = rows[0].Int(0);
    return absl::OkStatus();
  }));
  EXPECT_EQ(count, 2);  // the first and the third; nothing half-written
}

}  // namespace
}  // namespace iam::store
