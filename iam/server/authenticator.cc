#include "iam/server/authenticator.h"

#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "iam/account/request_signing.h"
#include "iam/common/log.h"
#include "iam/server/request_facts.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/user_store.h"
#include "iam/token/jwt.h"

namespace iam::server {

std::string Authenticator::UserAgent(grpc::ServerContextBase* ctx) {
  const auto& md = ctx->client_metadata();
  auto ua = md.find("user-agent");
  if (ua == md.end()) return "";
  return std::string(ua->second.data(), std::min<size_t>(ua->second.size(), 512));
}

absl::StatusOr<std::string> Authenticator::SourceIp(grpc::ServerContextBase* ctx,
                                                    const std::string& client_ip) const {
  const std::string peer = PeerAddress(ctx->peer());
  if (client_ip.empty()) return peer;
  auto forwarded = IpAddress::Parse(client_ip);
  if (!forwarded) return absl::InvalidArgumentError("client_ip: not an IP address");
  auto peer_ip = IpAddress::Parse(peer);
  for (const Cidr& c : trusted_) {
    if (peer_ip && c.Contains(*peer_ip)) return forwarded->ToString();
  }
  // From anyone else the claim is ignored: a client cannot pick its address.
  return peer;
}

absl::StatusOr<account::UserStanding> Authenticator::Standing(const std::string& user_id) const {
  account::CredentialCache* cache = credentials_;
  if (cache != nullptr) {
    if (auto cached = cache->users.Get(user_id)) return *cached;
  }
  const uint64_t generation = cache ? cache->users.Generation() : 0;
  account::UserStanding out;
  absl::Status read = db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, user_id));
    ASSIGN_OR_RETURN(store::AccountRow a, store::accounts::Get(tx, u.account_id));
    out.account_id = a.id;
    out.username = u.username;
    out.active = u.state == store::UserState::kActive && a.state == store::AccountState::kActive;
    out.is_admin = u.is_admin;
    out.system_account = a.is_system;
    return absl::OkStatus();
  });
  if (outage_ != nullptr && cache != nullptr) {
    if (auto stale = outage_->StaleAnswer(read, cache->users, user_id)) return *stale;
  }
  RETURN_IF_ERROR(read);
  if (cache != nullptr) cache->users.Put(user_id, out, generation);
  return out;
}

absl::StatusOr<account::Caller> Authenticator::FromToken(absl::string_view jwt,
                                                         const std::string& ip,
                                                         const std::string& agent,
                                                         std::string* why) const {
  const absl::Status denied = absl::UnauthenticatedError("invalid or expired access token");
  auto verified = tokens_->Verify(jwt, "", /*check_session=*/true);
  if (!verified.ok()) {
    if (!absl::IsUnauthenticated(verified.status())) return verified.status();
    *why = std::string(verified.status().message());
    return denied;
  }
  if (!verified->session_active) {
    *why = "session " + verified->session_state;
    return denied;
  }
  const token::Claims& c = verified->claims;
  if (!c.cnf_jkt.empty()) {
    // A sender-constrained token proves nothing as a bearer credential.
    *why = "DPoP-bound token used as a bearer token";
    return denied;
  }
  auto standing = Standing(c.sub);
  if (absl::IsNotFound(standing.status())) {
    *why = "user or account not active";
    return denied;
  }
  RETURN_IF_ERROR(standing.status());
  if (!standing->active || standing->account_id != c.account) {
    *why = "user or account not active";
    return denied;
  }
  account::Caller caller;
  caller.account_id = standing->account_id;
  caller.user_id = c.sub;
  caller.username = standing->username;
  caller.is_admin = standing->is_admin;
  caller.system_account = standing->system_account;
  caller.session_id = c.sid;
  caller.amr = c.amr;
  caller.auth_time = c.auth_time;
  caller.token_issued_at = c.iat;
  caller.source_ip = ip;
  caller.user_agent = agent;
  return caller;
}

absl::StatusOr<account::Caller> Authenticator::FromSignature(grpc::ServerContextBase* ctx,
                                                             absl::string_view value,
                                                             const std::string& ip,
                                                             const std::string& agent,
                                                             std::string* why) const {
  auto parsed = account::ParseSignedAuthorization(value);
  if (!parsed.ok()) {
    *why = "malformed signature";
    return absl::UnauthenticatedError(parsed.status().message());
  }
  // Streaming calls have no one request to sign: they take bearer
  // credentials only.
  std::optional<RequestFacts> facts = FactsOf(ctx);
  if (!facts) {
    *why = "signature on a call without a single request";
    return absl::UnauthenticatedError(
        "authorization: this method takes bearer credentials, not a signature");
  }
  return keys_.AuthenticateSigned(*parsed, facts->method, facts->body_sha256, ip, agent, why);
}

absl::StatusOr<account::Caller> Authenticator::Authenticate(grpc::ServerContextBase* ctx) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return absl::UnauthenticatedError("missing authorization metadata");
  absl::string_view value(it->second.data(), it->second.size());
  const std::string ip = PeerAddress(ctx->peer());
  const std::string agent = UserAgent(ctx);
  std::string why;
  absl::StatusOr<account::Caller> caller;
  if (absl::ConsumePrefix(&value, absl::StrCat(account::kSignedScheme, " "))) {
    caller = FromSignature(ctx, value, ip, agent, &why);
  } else if (absl::ConsumePrefix(&value, "Bearer ")) {
    caller = token::LooksLikeJwt(value) ? FromToken(value, ip, agent, &why)
                                        : keys_.Authenticate(value, ip, agent, &why);
  } else {
    return absl::UnauthenticatedError(
        "authorization: expected 'Bearer <access token>', 'Bearer <key id>.<secret>' or a "
        "signature ('IAM-HMAC-SHA256 Credential=...')");
  }
  if (!caller.ok() && absl::IsUnauthenticated(caller.status())) {
    // The reason, never the credential: enough to explain a failure.
    log::Info("authentication failed", {{"reason", why}, {"peer", ctx->peer()}});
  }
  return caller;
}

}  // namespace iam::server
