// Authenticator: who is calling a gRPC method, from the bearer credential in
// the metadata: an access key ("<key id>.<secret>") or a user's access token
// (a JWT of this service whose session is still alive). Also where the
// request comes from: the peer address, or the client_ip a trusted proxy
// forwards. Thread-safe.
#ifndef IAM_SERVER_AUTHENTICATOR_H_
#define IAM_SERVER_AUTHENTICATOR_H_

#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "iam/account/access_key_service.h"
#include "iam/common/cidr.h"
#include "iam/token/token_service.h"

namespace iam::server {

class Authenticator {
 public:
  // credentials and outage may be null (no cache, no stale answers).
  Authenticator(store::Database& db, const account::AccessKeyService& keys,
                token::TokenService* tokens, account::CredentialCache* credentials,
                StoreOutage* outage, std::vector<Cidr> trusted_proxies)
      : db_(db),
        keys_(keys),
        tokens_(tokens),
        credentials_(credentials),
        outage_(outage),
        trusted_(std::move(trusted_proxies)) {}

  // UNAUTHENTICATED when the credential is absent or does not verify.
  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContextBase* ctx) const;

  // The address a login comes from: the peer, or `client_ip` when the peer
  // is a trusted proxy. INVALID_ARGUMENT for a malformed client_ip.
  absl::StatusOr<std::string> SourceIp(grpc::ServerContextBase* ctx, const std::string& client_ip) const;

  static std::string UserAgent(grpc::ServerContextBase* ctx);

 private:
  absl::StatusOr<account::Caller> FromToken(absl::string_view jwt, const std::string& ip,
                                            const std::string& agent, std::string* why) const;
  // A signed request (account/request_signing.h).
  absl::StatusOr<account::Caller> FromSignature(grpc::ServerContextBase* ctx,
                                                absl::string_view value, const std::string& ip,
                                                const std::string& agent, std::string* why) const;

  // The token subject's user and account, from the cache or the store.
  absl::StatusOr<account::UserStanding> Standing(const std::string& user_id) const;

  store::Database& db_;
  const account::AccessKeyService& keys_;
  token::TokenService* tokens_;
  account::CredentialCache* credentials_;
  StoreOutage* outage_;
  std::vector<Cidr> trusted_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_AUTHENTICATOR_H_
