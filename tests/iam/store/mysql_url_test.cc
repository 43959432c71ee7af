#include "iam/store/mysql/mysql_url.h"

#include <gtest/gtest.h>

namespace iam::store::mysql {
namespace {

TEST(MysqlUrlTest, ParsesEveryPart) {
  auto o = ParseMysqlUrl("mysql://iam:p%40ss%3Aword@db.local:3307/iam_prod?pool=4");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->user, "iam");
  EXPECT_EQ(o->password, "p@ss:word");
  ASSERT_EQ(o->hosts.size(), 1u);
  EXPECT_EQ(o->hosts[0].host, "db.local");
  EXPECT_EQ(o->hosts[0].port, 3307);
  EXPECT_EQ(o->database, "iam_prod");
  EXPECT_EQ(o->pool_size, 4);
}

TEST(MysqlUrlTest, Ipv6HostInBrackets) {
  auto o = ParseMysqlUrl("mysql://u:p@[::1]:3306/db");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->hosts[0].host, "::1");
}

TEST(MysqlUrlTest, SeveralHostsInOrderOfPreference) {
  auto o = ParseMysqlUrl("mysql://u:p@db1:3306,[::1]:3307,db3/db?host_retry_ms=500");
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_EQ(o->hosts.size(), 3u);
  EXPECT_EQ(o->hosts[0].host, "db1");
  EXPECT_EQ(o->hosts[1].host, "::1");
  EXPECT_EQ(o->hosts[1].port, 3307);
  EXPECT_EQ(o->hosts[2].host, "db3");
  EXPECT_EQ(o->hosts[2].port, 3306);
  EXPECT_EQ(o->host_retry_ms, 500);
}

TEST(MysqlUrlTest, ReadHostNamesOneOfTheHosts) {
  auto o = ParseMysqlUrl("mysql://u:p@db1:3306,db2:3307,db3/db?read_host=db2:3307");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->read_host, 1);
  o = ParseMysqlUrl("mysql://u:p@db1,db2/db?read_host=db2");  // default port on both sides
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->read_host, 1);
  o = ParseMysqlUrl("mysql://u:p@db1,db2/db");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->read_host, 0);  // reads go where writes go
  for (const char* bad : {"mysql://u:p@db1,db2/db?read_host=db3",
                          "mysql://u:p@db1,db2:3307/db?read_host=db2",
                          "mysql://u:p@db1,db2/db?read_host=", "mysql://u:p@db1/db?read_host=db1:x"}) {
    o = ParseMysqlUrl(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(MysqlUrlTest, RejectsMalformedWithoutLeakingThePassword) {
  for (const char* bad : {"postgres://u:p@h/db", "mysql://u:hunter2@h:0/db",
                          "mysql://u:hunter2@h:3306/", "mysql://u:hunter2@h/db;drop",
                          "mysql://u:hunter2@h/db?pool=0", "mysql://u:hunter2@h/db?x=1",
                          "mysql://u:hunter2%zz@h/db",
                          "mysql://u:hunter2@h1,,h2/db", "mysql://u:hunter2@h1,h2:x/db",
                          "mysql://u:hunter2@h/db?host_retry_ms=5"}) {
    auto o = ParseMysqlUrl(bad);
    ASSERT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().message().find("hunter2"), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace iam::store::mysql
