#include "iam/store/mysql/mysql_url.h"

#include <gtest/gtest.h>

namespace iam::store::mysql {
namespace {

TEST(MysqlUrlTest, ParsesEveryPart) {
  auto o = ParseMysqlUrl("mysql://iam:p%40ss%3Aword@db.local:3307/iam_prod?pool=4");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->user, "iam");
  EXPECT_EQ(o->password, "p@ss:word");
  EXPECT_EQ(o->host, "db.local");
  EXPECT_EQ(o->port, 3307);
  EXPECT_EQ(o->database, "iam_prod");
  EXPECT_EQ(o->pool_size, 4);
}

TEST(MysqlUrlTest, Ipv6HostInBrackets) {
  auto o = ParseMysqlUrl("mysql://u:p@[::1]:3306/db");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "::1");
}

TEST(MysqlUrlTest, RejectsMalformedWithoutLeakingThePassword) {
  for (const char* bad : {"postgres://u:p@h/db", "mysql://u:hunter2@h:0/db",
                          "mysql://u:hunter2@h:3306/", "mysql://u:hunter2@h/db;drop",
                          "mysql://u:hunter2@h/db?pool=0", "mysql://u:hunter2@h/db?x=1",
                          "mysql://u:hunter2%zz@h/db"}) {
    auto o = ParseMysqlUrl(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().message().find("hunter2"), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace iam::store::mysql
