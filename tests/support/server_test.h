// The start of most end-to-end tests: a store of the test's backend, a real
// server on it (fake clock, real randomness), the system administrator's
// key and one account "acme" with its admin "alice".
#ifndef IAM_TESTS_SUPPORT_SERVER_TEST_H_
#define IAM_TESTS_SUPPORT_SERVER_TEST_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "tests/support/test_server.h"

namespace iam::testing {

class ServerTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    server_ = TestServer::Start(TestConfig(*t_), &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    root_ = server_->root_token();
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
  }

  // Runs SQL as someone with direct database access would.
  void Sql(const std::string& sql) {
    ASSERT_TRUE(t_->db()
                    .Transact(store::TxMode::kWrite,
                              [&](store::Tx& tx) { return tx.Exec(sql, {}).status(); })
                    .ok())
        << sql;
  }

  // The clock and random source outlive the server, whose threads use them.
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<TestDatabase> t_;
  std::unique_ptr<TestServer> server_;
  std::string root_, acme_, alice_;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_SUPPORT_SERVER_TEST_H_
