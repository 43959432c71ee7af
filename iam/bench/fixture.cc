#include "iam/bench/fixture.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"

namespace iam::bench {
namespace {

std::unique_ptr<grpc::ClientContext> As(const std::string& credential) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + credential);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

absl::Status Failed(const std::string& what, const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

std::string RandomHex(size_t bytes) {
  std::random_device rd;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) absl::StrAppendFormat(&out, "%02x", rd() & 0xff);
  return out;
}

// Policy i reads bucket i, may not delete from it, and reads only from
// loopback or private addresses: a realistic mix of actions, resources,
// wildcards, a Deny and a condition.
std::string PolicyDocument(int i) {
  return absl::StrFormat(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],)"
      R"("Resource":["arn:aws:s3:::bench-%d","arn:aws:s3:::bench-%d/*"],)"
      R"("Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.0/8","::1/128","10.0.0.0/8"]}}},)"
      R"({"Sid":"KeepObjects","Effect":"Deny","Action":"s3:DeleteObject",)"
      R"("Resource":"arn:aws:s3:::bench-%d/*"}]})",
      i, i, i);
}

v1::CheckRequest MakeCheck(const std::string& username, const std::string& action,
                           const std::string& resource) {
  v1::CheckRequest c;
  c.mutable_principal()->set_username(username);
  c.set_action(action);
  c.set_resource(resource);
  c.set_source_ip("10.1.2.3");
  return c;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const Target& target, int index) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (target.tls || !target.ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!target.ca_file.empty()) {
      std::ifstream in(target.ca_file);
      if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", target.ca_file));
      std::stringstream pem;
      pem << in.rdbuf();
      ssl.pem_root_certs = pem.str();
    }
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  // Distinct arguments keep gRPC from sharing one connection between channels.
  args.SetInt("iam.bench.channel", index);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target.address, creds, args);
}

absl::StatusOr<std::string> ProvisionClient(const std::shared_ptr<grpc::Channel>& channel,
                                            const Fixture& f, const std::string& client_id) {
  auto admin = v1::AdminService::NewStub(channel);
  v1::CreateClientRequest req;
  req.set_client_id(client_id);
  req.set_metadata(
      R"({"grant_types":["client_credentials","refresh_token",)"
      R"("urn:ietf:params:oauth:grant-type:token-exchange"],"scope":"bench.read bench.write"})");
  v1::IssuedClient out;
  grpc::Status s = admin->CreateClient(As(f.admin_key).get(), req, &out);
  if (!s.ok()) return Failed("creating the benchmark client", s);
  return out.client_secret();
}

absl::Status ProvisionWebClient(const std::shared_ptr<grpc::Channel>& channel, const Fixture& f,
                                const std::string& client_id, const std::string& redirect_uri) {
  auto admin = v1::AdminService::NewStub(channel);
  v1::CreateClientRequest req;
  req.set_client_id(client_id);
  req.set_metadata(absl::StrFormat(
      R"({"grant_types":["authorization_code"],"token_endpoint_auth_method":"none",)"
      R"("redirect_uris":["%s"],"scope":"openid","first_party":true})",
      redirect_uri));
  v1::IssuedClient out;
  grpc::Status s = admin->CreateClient(As(f.admin_key).get(), req, &out);
  if (!s.ok()) return Failed("creating the benchmark web client", s);
  return absl::OkStatus();
}

absl::Status Provision(const std::shared_ptr<grpc::Channel>& channel, const std::string& root_key,
                       int policies, const std::string& decision_log, Fixture* fixture) {
  auto admin = v1::AdminService::NewStub(channel);
  auto auth = v1::AuthService::NewStub(channel);
  auto authz = v1::AuthzService::NewStub(channel);
  Fixture& f = *fixture;
  f.username = "bench-user";

  v1::CreateAccountRequest ca;
  ca.set_name("bench-" + RandomHex(6));
  ca.set_admin_username("bench-admin");
  v1::CreateAccountResponse account;
  grpc::Status s = admin->CreateAccount(As(root_key).get(), ca, &account);
  if (!s.ok()) return Failed("creating the benchmark account", s);
  f.account_id = account.account().id();
  f.admin_key = account.admin_access_key_token();

  if (decision_log != "none") {
    v1::SetAccountPolicyRequest sp;
    sp.set_kind("audit");
    sp.set_document(absl::StrFormat(
        R"({"retention_days":180,"decision_log":"%s","decision_sample_percent":10})",
        decision_log));
    v1::AccountPolicy set;
    s = admin->SetAccountPolicy(As(f.admin_key).get(), sp, &set);
    if (!s.ok()) return Failed("setting the decision log", s);
  }

  v1::CreateUserRequest cu;
  cu.set_username(f.username);
  v1::User user;
  s = admin->CreateUser(As(f.admin_key).get(), cu, &user);
  if (!s.ok()) return Failed("creating the benchmark user", s);

  for (int i = 0; i < policies; ++i) {
    v1::CreatePolicyRequest cp;
    cp.set_name(absl::StrCat("bench-", i));
    cp.set_document(PolicyDocument(i));
    v1::ManagedPolicy created;
    s = admin->CreatePolicy(As(f.admin_key).get(), cp, &created);
    if (!s.ok()) return Failed("creating a policy", s);
    v1::AttachPolicyRequest ap;
    ap.set_policy(cp.name());
    ap.mutable_principal()->set_type(v1::PrincipalName::USER);
    ap.mutable_principal()->set_name(f.username);
    v1::AttachPolicyResponse attached;
    s = admin->AttachPolicy(As(f.admin_key).get(), ap, &attached);
    if (!s.ok()) return Failed("attaching a policy", s);
  }

  const std::string password = RandomHex(16);
  f.password = password;
  v1::SetUserPasswordRequest sp;
  sp.set_username(f.username);
  sp.set_password(password);
  sp.set_permanent(true);
  v1::SetUserPasswordResponse set;
  s = admin->SetUserPassword(As(f.admin_key).get(), sp, &set);
  if (!s.ok()) return Failed("setting the user's password", s);
  v1::LoginRequest login;
  login.set_account(f.account_id);
  login.set_username(f.username);
  login.set_password(password);
  login.set_client_type("api");
  v1::LoginResponse logged_in;
  grpc::ClientContext login_ctx;
  s = auth->Login(&login_ctx, login, &logged_in);
  if (!s.ok()) return Failed("logging the user in", s);
  if (logged_in.status() != v1::LOGIN_STATUS_SUCCESS) {
    return absl::FailedPreconditionError(
        absl::StrCat("logging the user in: status ", v1::LoginStatus_Name(logged_in.status())));
  }
  f.access_token = logged_in.tokens().access_token();

  // Every third check is allowed, one implicitly denied, one explicitly.
  const int buckets = std::max(policies, 1);
  for (int i = 0; i < 3 * buckets; ++i) {
    const std::string bucket = absl::StrCat("arn:aws:s3:::bench-", i % buckets);
    const std::string object = absl::StrCat(bucket, "/reports/", i, ".csv");
    switch (i % 3) {
      case 0:
        f.checks.push_back(MakeCheck(f.username, "s3:GetObject", object));
        break;
      case 1:
        f.checks.push_back(MakeCheck(f.username, "s3:PutObject", object));
        break;
      default:
        f.checks.push_back(MakeCheck(f.username, "s3:DeleteObject", object));
    }
  }
  // The answers are known: a run that measured errors or wrong answers
  // would measure nothing.
  const v1::Decision expected[] = {policies > 0 ? v1::ALLOW : v1::IMPLICIT_DENY,
                                   v1::IMPLICIT_DENY,
                                   policies > 0 ? v1::EXPLICIT_DENY : v1::IMPLICIT_DENY};
  for (int i = 0; i < 3; ++i) {
    v1::CheckResponse r;
    s = authz->Check(As(f.admin_key).get(), f.checks[i], &r);
    if (!s.ok()) return Failed("a trial check", s);
    if (r.decision() != expected[i]) {
      return absl::InternalError(absl::StrCat("a trial check of ", f.checks[i].action(),
                                              " answered ", v1::Decision_Name(r.decision()),
                                              ", expected ", v1::Decision_Name(expected[i])));
    }
  }
  return absl::OkStatus();
}

absl::Status Teardown(const std::shared_ptr<grpc::Channel>& channel, const std::string& root_key,
                      const Fixture& fixture) {
  auto admin = v1::AdminService::NewStub(channel);
  v1::CloseAccountRequest req;
  req.set_account_id(fixture.account_id);
  req.set_reason("benchmark finished");
  v1::Account closed;
  grpc::Status s = admin->CloseAccount(As(root_key).get(), req, &closed);
  if (!s.ok()) return Failed("closing the benchmark account", s);
  return absl::OkStatus();
}

}  // namespace iam::bench
