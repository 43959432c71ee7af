// Every mutating method of AdminService, found from the service descriptor
// so that a new one cannot be missed, on both stores: each writes exactly
// one audit record when it succeeds, and when the store refuses the audit
// record the method fails and no table changes at all.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "tests/e2e/mutation_test.h"

namespace iam::e2e {
namespace {

using google::protobuf::Message;
using store::Backend;

constexpr char kService[] = "iam.v1.AdminService";

const char kDocument[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
const char kResourceDocument[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-photos/*"}]})";

// A JSON document as a text-format string.
std::string Quoted(absl::string_view text) { return absl::StrCat("\"", absl::CEscape(text), "\""); }

struct Case {
  Case(std::string method_, bool as_root_, std::string request_, bool copied_ = false,
       std::function<void()> before_ = nullptr)
      : method(std::move(method_)),
        as_root(as_root_),
        request(std::move(request_)),
        copied(copied_),
        before(std::move(before_)) {}

  std::string method;
  bool as_root = false;  // a system administrator's call; otherwise acme's admin
  std::string request;   // text format; $ACME, $KEY and $SESSION_POLICY are filled in
  // The record is copied into the caller's chain too: see the account
  // lifecycle below.
  bool copied = false;
  std::function<void()> before;  // sets up what the call needs, outside the measurement
};

class AdminMutationsTest : public MutationTest {
 protected:
  void SetUp() override {
    MutationTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    v1::GetAccountPolicyRequest g;
    g.set_kind("session");
    v1::AccountPolicy p;
    ASSERT_TRUE(server_->Call(alice_, &v1::AdminService::Stub::GetAccountPolicy, g, &p).ok());
    values_["$SESSION_POLICY"] = Quoted(p.document());
  }

  std::vector<Case> Cases() {
    const std::string bob = "principal { type: USER name: 'bob' }";
    return {
        {"CreateUser", false, "username: 'bob'"},
        {"UpdateUser", false,
         "username: 'bob' display_name: 'Bob' update_mask { paths: 'display_name' }"},
        {"DisableUser", false, "username: 'bob' reason: 'on leave'"},
        {"EnableUser", false, "username: 'bob'"},
        {"SetUserPassword", false,
         "username: 'bob' password: 'Correct-Horse-Battery-9' permanent: true"},
        {"ApproveDevice", false, "username: 'bob' device_id: 'kiosk-1'", false,
         [&] { LoginBob("kiosk-1"); }},
        {"RevokeUserSessions", false, "username: 'bob'"},
        {"UnlockUser", false, "username: 'bob'"},
        {"ResetUserMfa", false, "username: 'bob'"},
        {"SetUserIpAllowlist", false, "username: 'bob' cidrs: '10.0.0.0/8'"},
        {"CreateGroup", false, "name: 'ops'"},
        {"AddGroupMember", false, "group: 'ops' username: 'bob'"},
        {"RemoveGroupMember", false, "group: 'ops' username: 'bob'"},
        {"CreateAccessKey", false, "username: 'bob'"},
        {"RevokeAccessKey", false, "key_id: '$KEY'"},
        {"SetAccountPolicy", false, "kind: 'session' document: $SESSION_POLICY"},
        {"CreatePolicy", false, absl::StrCat("name: 'P' document: ", Quoted(kDocument))},
        {"CreatePolicyVersion", false,
         absl::StrCat("policy: 'P' set_as_default: true document: ", Quoted(kDocument))},
        {"SetDefaultPolicyVersion", false, "policy: 'P' version: 1"},
        {"DeletePolicyVersion", false, "policy: 'P' version: 2"},
        {"AttachPolicy", false, absl::StrCat("policy: 'P' ", bob)},
        {"DetachPolicy", false, absl::StrCat("policy: 'P' ", bob)},
        {"PutInlinePolicy", false,
         absl::StrCat(bob, " policy_name: 'I' document: ", Quoted(kDocument))},
        {"DeleteInlinePolicy", false, absl::StrCat(bob, " policy_name: 'I'")},
        {"PutPermissionsBoundary", false, absl::StrCat(bob, " policy: 'P'")},
        {"DeletePermissionsBoundary", false, bob},
        {"TagPrincipal", false, absl::StrCat(bob, " tags { key: 'team' value: 'red' }")},
        {"UntagPrincipal", false, absl::StrCat(bob, " keys: 'team'")},
        {"TagPolicy", false, "policy: 'P' tags { key: 'owner' value: 'storage' }"},
        {"UntagPolicy", false, "policy: 'P' keys: 'owner'"},
        {"CreateRole", false, "name: 'R'"},
        {"AssignRole", false, absl::StrCat("role: 'R' ", bob)},
        {"UnassignRole", false, absl::StrCat("role: 'R' ", bob)},
        {"CreateSodRule", false, "name: 'S' roles: 'R' roles: 'R2'", false,
         [&] {
           Run({"CreateRole", false, "name: 'R2'"});
         }},
        {"DeleteSodRule", false, "name: 'S'"},
        {"DeleteRole", false, "name: 'R2'"},
        {"DeletePolicy", false, "policy: 'P'"},
        {"PutResourcePolicy", false,
         absl::StrCat("resource: 'arn:aws:s3:::acme-photos' document: ",
                      Quoted(kResourceDocument))},
        {"DeleteResourcePolicy", false, "resource: 'arn:aws:s3:::acme-photos'"},
        {"PutResourceAcl", false, "resource: 'arn:aws:s3:::acme-photos/a.jpg' canned: 'private'"},
        {"DeleteResourceAcl", false, "resource: 'arn:aws:s3:::acme-photos/a.jpg'"},
        {"DeleteGroup", false, "name: 'ops'"},
        // A client with a service account: its user is created and deleted
        // in the same change as the client, under the one record.
        {"CreateClient", false,
         absl::StrCat("client_id: 'app' metadata: ",
                      Quoted(R"({"grant_types":["client_credentials"]})"))},
        {"UpdateClient", false, "client_id: 'app' enabled: false"},
        {"RotateClientSecret", false, "client_id: 'app' grace_seconds: 60"},
        {"DeleteClient", false, "client_id: 'app'"},
        {"CreateInitialAccessToken", false, "description: 'ci' uses: 2"},
        {"DeleteInitialAccessToken", false, "id: '$IAT'"},
        // An upstream provider: the secret sealed with the change.
        {"CreateIdentityProvider", false,
         absl::StrCat("config: ",
                      Quoted(R"({"alias":"corp","kind":"oidc","oidc":{"issuer":"https://login.example.com","client_id":"iam","client_auth":"none"}})"))},
        {"UpdateIdentityProvider", false,
         absl::StrCat("alias: 'corp' secret: 's3cret' config: ",
                      Quoted(R"({"alias":"corp","kind":"oidc","oidc":{"issuer":"https://login.example.com","client_id":"iam"}})"))},
        {"DeleteIdentityProvider", false, "alias: 'corp'"},
        {"DeleteUser", false, "username: 'bob'"},
        // A document of the account as it is, plus one group: one change,
        // one record, made by CreateGroup inside the apply.
        {"ApplyAccountConfiguration", false, "document: $DOC", false,
         [&] {
           v1::ExportAccountConfigurationRequest q;
           v1::AccountConfiguration r;
           ASSERT_TRUE(
               server_->Call(alice_, &v1::AdminService::Stub::ExportAccountConfiguration, q, &r)
                   .ok());
           auto doc = nlohmann::json::parse(r.document());
           doc["groups"].push_back({{"name", "declared"}});
           values_["$DOC"] = Quoted(doc.dump());
         }},
        {"BlockLoginSource", true, "kind: 'ip' subject: '203.0.113.9' duration_seconds: 600"},
        {"ClearLoginBlock", true, "kind: 'ip' subject: '203.0.113.9'"},
        {"RotateSigningKey", true, ""},
        // The account lifecycle, done by a system administrator: the one
        // record is in the account's own chain, and a copy in the system
        // account's.
        {"CreateAccount", true, "name: 'initech' admin_username: 'peter'", true},
        {"SuspendAccount", true, "account_id: '$ACME' reason: 'unpaid'", true},
        {"ReactivateAccount", true, "account_id: '$ACME'", true},
        {"CloseAccount", true, "account_id: '$ACME' reason: 'gone'", true},
    };
  }

  // Calls the case's method as a client would; the parsed response.
  grpc::Status Run(const Case& c, std::unique_ptr<Message>* response = nullptr) {
    const auto* method = Service()->FindMethodByName(c.method);
    EXPECT_NE(method, nullptr) << c.method;
    if (method == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "no such method");
    std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                         ->GetPrototype(method->input_type())
                                         ->New());
    std::string text = c.request;
    values_["$ACME"] = acme_;
    for (const auto& [k, v] : values_) text = absl::StrReplaceAll(text, {{k, v}});
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, request.get()))
        << c.method << ": " << text;
    std::string out;
    grpc::Status s =
        server_->CallRaw(absl::StrCat("/", kService, "/", c.method), c.as_root ? root_ : alice_,
                         request->SerializeAsString(), &out);
    if (s.ok()) {
      std::unique_ptr<Message> parsed(google::protobuf::MessageFactory::generated_factory()
                                          ->GetPrototype(method->output_type())
                                          ->New());
      EXPECT_TRUE(parsed->ParseFromString(out));
      if (c.method == "CreateAccessKey") {
        values_["$KEY"] = dynamic_cast<v1::CreateAccessKeyResponse&>(*parsed).key().id();
      }
      if (c.method == "CreateInitialAccessToken") {
        values_["$IAT"] = dynamic_cast<v1::IssuedInitialAccessToken&>(*parsed).token().id();
      }
      if (response != nullptr) *response = std::move(parsed);
    }
    return s;
  }

  void LoginBob(const std::string& device) {
    v1::LoginRequest r;
    r.set_account(acme_);
    r.set_username("bob");
    r.set_password("Correct-Horse-Battery-9");
    r.set_device_id(device);
    v1::LoginResponse out;
    ASSERT_TRUE(server_->CallAuth("", &v1::AuthService::Stub::Login, r, &out).ok());
  }

  static const google::protobuf::ServiceDescriptor* Service() {
    return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(kService);
  }

  std::map<std::string, std::string> values_;
};

TEST_P(AdminMutationsTest, EveryMutatingMethodHasACase) {
  std::set<std::string> covered;
  for (const Case& c : Cases()) covered.insert(c.method);
  // A provider's test reaches the provider and changes nothing;
  // ValidatePolicy checks a document and stores nothing.
  const auto mutating = MutatingMethods(kService, {"TestIdentityProvider", "ValidatePolicy"});
  for (const std::string& name : mutating) {
    EXPECT_TRUE(covered.count(name)) << name << " changes state but has no case here";
  }
  EXPECT_GE(mutating.size(), 45u);
}

TEST_P(AdminMutationsTest, EachWritesOneRecordAndNothingWithoutIt) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.method);
    if (c.before) c.before();
    // The store refuses the record: the call fails and nothing changes.
    const auto tables = Tables();
    RefuseAuditRecords(true);
    grpc::Status refused = Run(c);
    RefuseAuditRecords(false);
    EXPECT_FALSE(refused.ok()) << "answered OK without its audit record";
    ExpectTablesUnchanged(tables);
    // Then it goes through, with its record.
    const auto before = AuditRecords();
    grpc::Status s = Run(c);
    ASSERT_TRUE(s.ok()) << s.error_message();
    const Rowset added = AddedSince(before);
    // One record; a copy, when there is one, in another chain and of the
    // same action on the same object.
    ASSERT_EQ(added.size(), c.copied ? 2u : 1u);
    if (c.copied) {
      EXPECT_NE(added[0][0], added[1][0]);
      EXPECT_EQ(added[0][2], added[1][2]);
      EXPECT_EQ(added[0][3], added[1][3]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminMutationsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
