// Failover order and error classes of the MySQL backend: pure rules.
#include "iam/store/mysql/mysql_hosts.h"

#include <gtest/gtest.h>

#include "iam/store/mysql/mysql_errors.h"

namespace iam::store::mysql {
namespace {

using V = std::vector<int>;

TEST(HostPickerTest, PrefersTheFirstHostThatIsUp) {
  HostPicker p(3, 1000);
  EXPECT_EQ(p.Order(0), (V{0, 1, 2}));
  p.Failed(0, 100);
  EXPECT_EQ(p.Preferred(100), 1);
  EXPECT_EQ(p.Order(100), (V{1, 2, 0}));
  p.Failed(1, 200);
  EXPECT_EQ(p.Order(300), (V{2, 0, 1}));
}

TEST(HostPickerTest, AFailedHostIsTriedAgainAfterTheRetryPeriod) {
  HostPicker p(2, 1000);
  p.Failed(0, 0);
  EXPECT_EQ(p.Preferred(999), 1);
  EXPECT_EQ(p.Preferred(1000), 0);  // comes back by itself
  p.Failed(0, 1000);
  p.Succeeded(0);
  EXPECT_EQ(p.Preferred(1001), 0);
}

TEST(HostPickerTest, WithEveryHostDownTheSoonestBackComesFirst) {
  HostPicker p(3, 1000);
  p.Failed(2, 0);
  p.Failed(0, 10);
  p.Failed(1, 20);
  EXPECT_EQ(p.Order(30), (V{2, 0, 1}));
}

TEST(MysqlErrorsTest, EveryCodeHasOneClass) {
  EXPECT_EQ(Classify(1213), ErrorClass::kRetryable);  // deadlock, Galera certification
  EXPECT_EQ(Classify(1205), ErrorClass::kRetryable);
  EXPECT_EQ(Classify(1062), ErrorClass::kCaller);
  EXPECT_EQ(Classify(2013), ErrorClass::kConnection);
  EXPECT_EQ(Classify(1927), ErrorClass::kConnection);
  EXPECT_EQ(Classify(1290), ErrorClass::kUnavailable);  // read-only
  EXPECT_EQ(Classify(1047), ErrorClass::kUnavailable);  // Galera node not ready
  EXPECT_EQ(Classify(1064), ErrorClass::kUnavailable);  // unknown to the mapping
  EXPECT_EQ(Classify(99999), ErrorClass::kUnavailable);
  EXPECT_TRUE(HostCannotServe(1290));
  EXPECT_TRUE(HostCannotServe(2003));
  EXPECT_FALSE(HostCannotServe(1064));
  EXPECT_FALSE(HostCannotServe(1213));
  EXPECT_FALSE(KeepsConnection(Classify(1064)));
  EXPECT_TRUE(KeepsConnection(Classify(1062)));
}

TEST(MysqlErrorsTest, StatusesNameTheCodeNotTheServersText) {
  EXPECT_EQ(ToStatus(1062, "23000", "Duplicate entry 'secret'").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ToStatus(1062, "23000", "Duplicate entry 'secret'").message().find("secret"),
            std::string::npos);
  EXPECT_EQ(ToStatus(1213, "40001", "").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ToStatus(1290, "HY000", "").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ToStatus(1064, "42000", "near 'secret'").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ToStatus(1644, "45000", "audit_log is append-only").message(),
            "mysql: audit_log is append-only");
}

}  // namespace
}  // namespace iam::store::mysql
