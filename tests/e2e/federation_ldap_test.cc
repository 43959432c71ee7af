// Passwords checked by the account's LDAP directory: a real OpenLDAP
// (Debian's slapd, started by scripts/slapd.sh on loopback ports with its
// own certificate authority and a test directory) and a real server, on
// both stores. What is shown: a first login creating the user with its
// directory groups mapped; a wrong password counted towards the lock; a
// disabled user, one outside the search filter and a filter injection
// refused; the directory down answering UNAVAILABLE without counting a
// failure; the certificate checked (ldaps:// and StartTLS); a user of the
// service's own kept on its own password; the connections pooled; and
// `idp test` saying what it found.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "iam/store/group_store.h"
#include "iam/store/login_store.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// One directory for the whole binary: started once, stopped at the end.
class Directory : public ::testing::Environment {
 public:
  void SetUp() override {
    char tmpl[] = "/tmp/iam-slapd.XXXXXX";
    dir = mkdtemp(tmpl);
    ASSERT_EQ(Script("start"), 0) << "slapd did not start; see " << dir;
    ldap_url = ReadLine(dir + "/ldap_url");
    ldaps_url = ReadLine(dir + "/ldaps_url");
  }
  void TearDown() override {
    Script("stop");
    std::system(("rm -rf " + dir).c_str());
  }
  // Changes the directory as its administrator would (ldapmodify).
  int Modify(const std::string& ldif) {
    const std::string file = dir + "/change.ldif";
    std::ofstream(file) << ldif;
    return std::system(absl::StrCat("ldapmodify -x -H ", ldap_url, " -D cn=admin,dc=example,dc=com",
                                    " -y ", dir, "/root_password -f ", file, " >/dev/null 2>&1")
                           .c_str());
  }
  int Script(const std::string& cmd) {
    return std::system(absl::StrCat("bash ", IAM_SOURCE_DIR, "/scripts/slapd.sh ", cmd, " ", dir,
                                    " >/dev/null 2>&1")
                           .c_str());
  }
  std::string dir, ldap_url, ldaps_url;
};

Directory* const directory = new Directory();
::testing::Environment* const registered = ::testing::AddGlobalTestEnvironment(directory);

class LdapLoginTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    server_ = testing::TestServer::Start(testing::TestConfig(*t_), &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "root");
    CreateGroup("engineers");
  }

  server::Domain& domain() { return server_->server().domain(); }

  nlohmann::json Settings(const std::string& url, bool start_tls = true) {
    return {{"alias", "corp-ldap"},
            {"kind", "ldap"},
            {"group_map", {{"engineering", "engineers"}}},
            {"ldap",
             {{"url", url},
              {"start_tls", start_tls},
              {"ca_file", directory->dir + "/ca.pem"},
              {"bind_dn", "cn=iam,dc=example,dc=com"},
              {"user_base", "ou=people,dc=example,dc=com"},
              {"user_filter", "(&(objectClass=inetOrgPerson)(uid={username})(employeeType=staff))"},
              {"disabled_filter", "(description=disabled)"},
              {"group_base", "ou=groups,dc=example,dc=com"},
              {"timeout_ms", 2000}}}};
  }

  grpc::Status CreateProvider(const nlohmann::json& settings,
                              const std::string& secret = "Iam-Bind-Pass-1") {
    v1::CreateIdentityProviderRequest r;
    r.set_config(settings.dump());
    r.set_secret(secret);
    v1::IdentityProvider out;
    return server_->Call(alice_, &v1::AdminService::Stub::CreateIdentityProvider, r, &out);
  }

  void UpdateProvider(const nlohmann::json& settings) {
    v1::UpdateIdentityProviderRequest r;
    r.set_alias("corp-ldap");
    r.set_config(settings.dump());
    v1::IdentityProvider out;
    ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::UpdateIdentityProvider, r, &out));
  }

  absl::StatusOr<auth::LoginResult> Login(const std::string& username,
                                          const std::string& password) {
    auth::LoginRequest r;
    r.account = acme_;
    r.username = username;
    r.password = password;
    r.source_ip = "198.51.100.20";
    return domain().login.Login(r);
  }

  void CreateGroup(const std::string& name) {
    v1::CreateGroupRequest r;
    r.set_name(name);
    v1::Group out;
    ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateGroup, r, &out));
  }

  void SetPolicy(const std::string& kind, const nlohmann::json& change) {
    ASSERT_RPC_OK(server_->PatchAccountPolicy(alice_, kind, change));
  }


  // The audit records of sts:Login, as (result, reason, provider).
  std::vector<std::vector<std::string>> Logins() {
    std::vector<std::vector<std::string>> out;
    EXPECT_TRUE(t_->db()
                    .Transact(store::TxMode::kRead,
                              [&](store::Tx& tx) -> absl::Status {
                                auto rows = tx.Query(
                                    "SELECT result, detail FROM audit_log WHERE account_id = ? AND "
                                    "action = 'sts:Login' ORDER BY seq",
                                    {acme_});
                                if (!rows.ok()) return rows.status();
                                for (const auto& r : *rows) {
                                  auto d = nlohmann::json::parse(r.Str(1), nullptr, false);
                                  out.push_back({r.Str(0), d.value("reason", ""),
                                                 d.value("provider", "")});
                                }
                                return absl::OkStatus();
                              })
                    .ok());
    return out;
  }

  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestDatabase> t_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_;
};

TEST_P(LdapLoginTest, TheDirectoryChecksThePasswordAndTheUserIsCreated) {
  ASSERT_RPC_OK(CreateProvider(Settings(directory->ldap_url)));
  auto in = Login("alice", "Alice-Pass-1");
  ASSERT_TRUE(in.ok()) << in.status();
  ASSERT_EQ(in->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(in->tokens.session.amr, "pwd");
  v1::GetUserRequest g;
  g.set_username("alice");
  g.set_reveal_pii(true);
  v1::User alice;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::GetUser, g, &alice));
  EXPECT_EQ(alice.email(), "alice@example.com");
  EXPECT_EQ(alice.display_name(), "Alice Liddell");
  v1::ListUserGroupsRequest lg;
  lg.set_username("alice");
  v1::ListGroupsResponse groups;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::ListUserGroups, lg, &groups));
  ASSERT_EQ(groups.groups_size(), 1);
  EXPECT_EQ(groups.groups(0).name(), "engineers");
  // Again: the same user, over the pooled connection.
  const uint64_t connects = domain().federated_login.directory().connects();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Login("alice", "Alice-Pass-1")->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(domain().federated_login.directory().connects(), connects);
  EXPECT_EQ(Logins().back(), (std::vector<std::string>{"success", "", "corp-ldap"}));
}

TEST_P(LdapLoginTest, RefusalsCountAsFailuresAndSayWhy) {
  ASSERT_RPC_OK(CreateProvider(Settings(directory->ldaps_url)));
  SetPolicy("lockout", {{"max_failures", 3}, {"challenge_after_failures", 0},
                        {"quick_login_check_ms", 0}});
  EXPECT_EQ(Login("bob", "wrong")->status, auth::LoginStatus::kFailed);
  // An empty password never reaches the directory (LDAP would take it for
  // an anonymous bind).
  EXPECT_EQ(Login("bob", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Login("carol", "Carol-Pass-1")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("dave", "Dave-Pass-1")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("*", "Bob-Pass-1")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("bob)(uid=*", "Bob-Pass-1")->status, auth::LoginStatus::kFailed);
  auto logins = Logins();
  std::vector<std::string> reasons;
  for (const auto& l : logins) reasons.push_back(l[1]);
  ASSERT_EQ(reasons.size(), 5u);
  EXPECT_EQ(reasons[0], "directory: wrong password");
  EXPECT_EQ(reasons[1], "directory: the user is disabled");
  EXPECT_EQ(reasons[2], "directory: no user within the search filter");
  EXPECT_EQ(reasons[3], "directory: no user within the search filter");
  EXPECT_EQ(reasons[4], "directory: no user within the search filter");
  for (const auto& l : logins) EXPECT_EQ(l[2], "corp-ldap");
  // Three failures of bob lock the name: the right password waits too.
  EXPECT_EQ(Login("bob", "wrong again")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("bob", "wrong thrice")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("bob", "Bob-Pass-1")->status, auth::LoginStatus::kLocked);
}

TEST_P(LdapLoginTest, ADirectoryThatIsDownIsNotAWrongPassword) {
  ASSERT_RPC_OK(CreateProvider(Settings(directory->ldap_url)));
  SetPolicy("lockout", {{"max_failures", 2}, {"challenge_after_failures", 0},
                        {"quick_login_check_ms", 0}});
  ASSERT_EQ(Login("bob", "Bob-Pass-1")->status, auth::LoginStatus::kSuccess);
  ASSERT_EQ(directory->Script("stop"), 0);
  for (int i = 0; i < 4; ++i) {
    auto down = Login("bob", i % 2 ? "Bob-Pass-1" : "wrong");
    EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
    EXPECT_NE(down.status().message().find("directory"), std::string::npos);
  }
  ASSERT_EQ(directory->Script("restart"), 0);
  // Nothing was counted: the right password gets in at once.
  auto back = Login("bob", "Bob-Pass-1");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->status, auth::LoginStatus::kSuccess);
  for (const auto& l : Logins()) EXPECT_EQ(l[0], "success");
}

TEST_P(LdapLoginTest, TheCertificateIsChecked) {
  // Another authority's certificate file: neither TLS way gets through.
  const std::string other = directory->dir + "/other-ca.pem";
  ASSERT_EQ(std::system(absl::StrCat("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                                     "-nodes -days 1 -subj /CN=other -keyout /dev/null -out ",
                                     other, " 2>/dev/null")
                            .c_str()),
            0);
  for (const std::string& url : {directory->ldaps_url, directory->ldap_url}) {
    nlohmann::json s = Settings(url);
    s["ldap"]["ca_file"] = other;
    v1::DeleteIdentityProviderResponse gone;
    v1::IdentityProviderRequest del;
    del.set_alias("corp-ldap");
    server_->Call(alice_, &v1::AdminService::Stub::DeleteIdentityProvider, del, &gone);
    ASSERT_RPC_OK(CreateProvider(s));
    auto refused = Login("bob", "Bob-Pass-1");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << url;
  }
}

TEST_P(LdapLoginTest, TheServicesOwnUsersKeepTheirPasswords) {
  ASSERT_RPC_OK(CreateProvider(Settings(directory->ldap_url)));
  // A local user (a break-glass administrator) is not the directory's.
  v1::CreateUserRequest ops;
  ops.set_username("ops");
  v1::User created;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateUser, ops, &created));
  v1::SetUserPasswordRequest p;
  p.set_username("ops");
  p.set_password("Break-Glass-Pass-9");
  p.set_permanent(true);
  v1::SetUserPasswordResponse set;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::SetUserPassword, p, &set));
  EXPECT_EQ(Login("ops", "Break-Glass-Pass-9")->status, auth::LoginStatus::kSuccess);
  // A local "bob": with link none, his own password; with link username,
  // the directory's (and he is linked).
  v1::CreateUserRequest cu;
  cu.set_username("bob");
  v1::User bob;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateUser, cu, &bob));
  p.set_username("bob");
  p.set_password("Own-Secret-Pass-9");
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::SetUserPassword, p, &set));
  EXPECT_EQ(Login("bob", "Bob-Pass-1")->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login("bob", "Own-Secret-Pass-9")->status, auth::LoginStatus::kSuccess);
  nlohmann::json s = Settings(directory->ldap_url);
  s["link"] = "username";
  UpdateProvider(s);
  auto linked = Login("bob", "Bob-Pass-1");
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(linked->tokens.session.user_id, bob.id());
  EXPECT_EQ(Login("bob", "Own-Secret-Pass-9")->status, auth::LoginStatus::kFailed);
  // With provisioning "existing", an unknown name gets nothing.
  s["provisioning"] = "existing";
  UpdateProvider(s);
  EXPECT_EQ(Login("alice", "Alice-Pass-1")->status, auth::LoginStatus::kFailed);
}

TEST_P(LdapLoginTest, TestSaysWhatItFound) {
  ASSERT_RPC_OK(CreateProvider(Settings(directory->ldap_url)));
  v1::TestIdentityProviderRequest r;
  r.set_alias("corp-ldap");
  r.set_username("alice");
  r.set_password("Alice-Pass-1");
  v1::TestIdentityProviderResponse out;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::TestIdentityProvider, r, &out));
  EXPECT_TRUE(out.ok());
  std::string all;
  for (const auto& f : out.findings()) absl::StrAppend(&all, f, "\n");
  EXPECT_NE(all.find("(StartTLS, certificate checked)"), std::string::npos) << all;
  EXPECT_NE(all.find("bind: cn=iam,dc=example,dc=com: ok"), std::string::npos) << all;
  EXPECT_NE(all.find("user: uid=alice,ou=people,dc=example,dc=com (bound)"), std::string::npos);
  EXPECT_NE(all.find("groups: engineering, everyone"), std::string::npos) << all;
  EXPECT_NE(all.find("subject: "), std::string::npos) << all;
  // A wrong bind password: the test fails and says so.
  v1::UpdateIdentityProviderRequest u;
  u.set_alias("corp-ldap");
  u.set_config(Settings(directory->ldap_url).dump());
  u.set_secret("not-the-bind-password");
  v1::IdentityProvider updated;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::UpdateIdentityProvider, u, &updated));
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::TestIdentityProvider, r, &out));
  EXPECT_FALSE(out.ok());
  EXPECT_NE(out.findings(0).find("service bind"), std::string::npos);
  // And a login then is the directory's problem, not the user's.
  EXPECT_EQ(Login("alice", "Alice-Pass-1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(LdapLoginTest, ThePeriodicSyncFollowsTheDirectory) {
  nlohmann::json settings = Settings(directory->ldap_url);
  settings["ldap"]["sync_interval_seconds"] = 300;
  ASSERT_RPC_OK(CreateProvider(settings));
  // Two users of the directory's for this test alone.
  const std::string suffix = GetParam() == Backend::kSqlite ? "s" : "m";
  const std::string erin = "erin" + suffix, frank = "frank" + suffix;
  for (const std::string& u : {erin, frank}) {
    ASSERT_EQ(directory->Modify(absl::StrCat(
                  "dn: uid=", u, ",ou=people,dc=example,dc=com\nchangetype: add\n",
                  "objectClass: inetOrgPerson\nuid: ", u, "\ncn: ", u, "\nsn: ", u,
                  "\nemployeeType: staff\nuserPassword: Sync-Pass-1\n\n",
                  "dn: cn=engineering,ou=groups,dc=example,dc=com\nchangetype: modify\n",
                  "add: member\nmember: uid=", u, ",ou=people,dc=example,dc=com\n")),
              0);
    ASSERT_EQ(Login(u, "Sync-Pass-1")->status, auth::LoginStatus::kSuccess) << u;
  }
  auto groups_of = [&](const std::string& u) {
    v1::ListUserGroupsRequest r;
    r.set_username(u);
    v1::ListGroupsResponse out;
    EXPECT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::ListUserGroups, r, &out));
    return out.groups_size();
  };
  EXPECT_EQ(groups_of(erin), 1);
  // The directory disables erin and takes frank out of engineering.
  ASSERT_EQ(directory->Modify(absl::StrCat(
                "dn: uid=", erin, ",ou=people,dc=example,dc=com\nchangetype: modify\n",
                "add: description\ndescription: disabled\n\n",
                "dn: cn=engineering,ou=groups,dc=example,dc=com\nchangetype: modify\n",
                "delete: member\nmember: uid=", frank, ",ou=people,dc=example,dc=com\n")),
            0);
  auto synced = domain().federated_login.SyncDirectory(acme_, "corp-ldap");
  ASSERT_TRUE(synced.ok()) << synced.status();
  EXPECT_EQ(synced->disabled, std::vector<std::string>{erin});
  EXPECT_EQ(groups_of(frank), 0);
  v1::GetUserRequest g;
  g.set_username(erin);
  v1::User u;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::GetUser, g, &u));
  EXPECT_EQ(u.state(), v1::USER_STATE_DISABLED);
  // Deleted from the directory: disabled at the next sync, which the
  // maintenance loop runs once the interval has passed.
  ASSERT_EQ(directory->Modify(absl::StrCat("dn: uid=", frank,
                                           ",ou=people,dc=example,dc=com\nchangetype: delete\n")),
            0);
  domain().federated_login.SyncDueDirectories();  // first run on this replica: now
  g.set_username(frank);
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::GetUser, g, &u));
  EXPECT_EQ(u.state(), v1::USER_STATE_DISABLED);
  EXPECT_EQ(Login(frank, "Sync-Pass-1")->status, auth::LoginStatus::kFailed);
  // Clean up the directory for the other backend's run.
  directory->Modify(absl::StrCat("dn: uid=", erin, ",ou=people,dc=example,dc=com\nchangetype: delete\n"));
}

INSTANTIATE_TEST_SUITE_P(Backends, LdapLoginTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
