#include "iam/common/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace iam {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<Config> Load(std::vector<const char*> args, std::map<std::string, std::string> env) {
  args.insert(args.begin(), "iamd");
  return LoadConfig(static_cast<int>(args.size()), args.data(), FakeEnv(env));
}

TEST(ConfigTest, DefaultsAreLoopbackAndEmbeddedStore) {
  auto c = Load({}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:50051");
  EXPECT_EQ(c->StoreUrl(), "sqlite://./iam-data/iam.db");
}

TEST(ConfigTest, FlagsBeatEnvironmentWhichBeatsTheFile) {
  char path[] = "/tmp/iam-config-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "listen: 0.0.0.0:1\nlog:\n  level: debug\naccounts:\n  close_grace_days: 7\n";
  auto c = Load({"--config", path, "--listen", "127.0.0.1:3"},
                {{"IAM_LISTEN", "127.0.0.1:2"}, {"IAM_LOG_LEVEL", "warn"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "127.0.0.1:3");
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_EQ(c->close_grace_days, 7);
  std::remove(path);
}

TEST(ConfigTest, RejectsBadValuesNamingTheKey) {
  auto c = Load({}, {{"IAM_CLOSE_GRACE_DAYS", "soon"}});
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("IAM_CLOSE_GRACE_DAYS"), absl::string_view::npos);
  EXPECT_FALSE(Load({"--tls-cert-file", "a.pem"}, {}).ok());
  EXPECT_FALSE(Load({"--no-such-flag"}, {}).ok());
  EXPECT_FALSE(Load({"--config", "/nonexistent/iam.yaml"}, {}).ok());
}

TEST(ConfigTest, SecretsComeOnlyFromTheEnvironment) {
  EXPECT_FALSE(Load({"--master-key", "x"}, {}).ok());
  auto c = Load({}, {{"IAM_MASTER_KEY", "k"}});
  EXPECT_EQ(c->master_key, "k");
}

TEST(ConfigTest, RedactsStorePasswords) {
  EXPECT_EQ(RedactUrl("mysql://iam:hunter2@db:3306/iam"), "mysql://iam:***@db:3306/iam");
  EXPECT_EQ(RedactUrl("sqlite:///var/lib/iam.db"), "sqlite:///var/lib/iam.db");
}

}  // namespace
}  // namespace iam
