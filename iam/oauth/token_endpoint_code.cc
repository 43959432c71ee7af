// The authorization_code grant of TokenEndpoint (token_endpoint.h): kept
// apart from the machine grants because it answers with an ID token too.
#include <algorithm>

#include "absl/strings/str_split.h"
#include "iam/account/arn.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/authorize.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/oauth_error.h"
#include "iam/oauth/token_endpoint.h"
#include "iam/store/client_store.h"
#include "iam/store/session_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/user_store.h"

namespace iam::oauth {
namespace {

// The left half of the access token's SHA-256, for at_hash (OpenID Connect
// Core §3.1.3.6; every signing algorithm offered here hashes with SHA-256).
std::string LeftHalfHash(const std::string& token) {
  const std::string digest = crypto::Sha256(token);
  return crypto::Base64Url(digest.substr(0, digest.size() / 2));
}

}  // namespace

absl::StatusOr<nlohmann::json> TokenEndpoint::AuthorizationCode(const KnownClient& client,
                                                                const TokenRequest& r,
                                                                Grant& grant) {
  const std::string& code = Param(r.form, "code");
  const std::string& redirect_uri = Param(r.form, "redirect_uri");
  const std::string& verifier = Param(r.form, "code_verifier");
  if (code.empty()) return InvalidRequest("code is required");
  if (code.size() > 128) return InvalidGrant("the code is not valid");
  const std::string hash = SecretDigest(code);
  const std::string jti = crypto::Base64Url(random_.Bytes(16));
  const bool refreshes = client.view.metadata.Allows(kGrantRefreshToken);
  const std::string family = refreshes ? crypto::Base64Url(random_.Bytes(16)) : "";
  const int64_t now = clock_.NowMs();
  bool replayed = false;
  store::CodeRow row;
  store::UserRow user;
  store::SessionRow session;
  absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    replayed = false;
    ASSIGN_OR_RETURN(auto found, store::sso::GetCode(tx, hash));
    if (!found || found->account_id != r.account_id ||
        found->client_id != client.view.row.client_id) {
      return InvalidGrant("the code is not valid");
    }
    row = *std::move(found);
    if (row.used_at) {
      // RFC 6749 §4.1.2: a code used twice revokes what it issued. One of
      // its two holders stole it.
      replayed = true;
      if (row.access_jti) {
        RETURN_IF_ERROR(store::clients::Revoke(tx, *row.access_jti, r.account_id,
                                               now + kMaxAccessTokenTtl * 1000));
      }
      if (row.refresh_family) {
        RETURN_IF_ERROR(store::clients::RevokeRefreshFamily(tx, *row.refresh_family, now));
      }
      audit::Event e = audit::Event::By(account::IamArn(r.account_id, "client/" + row.client_id),
                                        r.account_id, "oauth:CodeReuse", "session",
                                        row.session_id);
      e.source_ip = r.source_ip;
      e.result = "denied";
      e.detail["client_id"] = row.client_id;
      e.detail["user_id"] = row.user_id;
      return audit_.Append(tx, e);
    }
    if (row.expires_at <= now) return InvalidGrant("the code has expired");
    if (redirect_uri != row.redirect_uri) {
      return InvalidGrant("redirect_uri differs from the authorization request's");
    }
    if (row.code_challenge.empty()) {
      // A verifier for a request made without a challenge is a downgrade
      // attempt (RFC 9700 §4.8.2).
      if (!verifier.empty()) return InvalidGrant("the request had no code_challenge");
    } else if (!VerifyPkce(verifier, row.code_challenge)) {
      return InvalidGrant(verifier.empty() ? "code_verifier is required"
                                           : "the code_verifier does not match");
    }
    ASSIGN_OR_RETURN(session, store::sessions::Get(tx, row.session_id));
    if (!session.LiveAt(now)) return InvalidGrant("the session has ended");
    ASSIGN_OR_RETURN(user, store::users::Get(tx, row.user_id));
    if (user.state != store::UserState::kActive) return InvalidGrant("the user is disabled");
    ASSIGN_OR_RETURN(int64_t used, store::sso::UseCode(tx, hash, now, jti, family));
    if (used == 0) return InvalidGrant("the code is not valid");  // a racing exchange won
    return absl::OkStatus();
  });
  if (replayed) {
    if (row.access_jti) tokens_.ForgetToken(*row.access_jti);
    return WithReason(InvalidGrant("the code is not valid"), "authorization code reuse");
  }
  RETURN_IF_ERROR(s);
  return IssueForSession(client, r, grant, row, user, session, jti, family);
}

absl::StatusOr<nlohmann::json> TokenEndpoint::IssueForSession(
    const KnownClient& client, const TokenRequest& r, Grant& grant, const store::CodeRow& row,
    const store::UserRow& user, const store::SessionRow& session, const std::string& jti,
    const std::string& family) {
  const bool refreshes = !family.empty();
  grant.scopes = std::vector<std::string>(absl::StrSplit(row.scope, ' ', absl::SkipEmpty()));
  ASSIGN_OR_RETURN(grant.audience, GrantedAudience(client.view.metadata, r.form,
                                                   tokens_.options().default_audience));
  grant.subject = user.username;
  token::Claims c = NewClaims(client, r, row.user_id, grant);
  c.jti = grant.jti = jti;
  c.sid = row.session_id;
  c.username = user.username;
  c.client_type = session.client_type;
  for (absl::string_view m : absl::StrSplit(row.amr, ',', absl::SkipEmpty())) c.amr.emplace_back(m);
  c.auth_time = row.auth_time / 1000;
  c.exp = std::min<int64_t>(c.iat + client.view.metadata.access_token_ttl,
                            session.expires_at / 1000);
  ASSIGN_OR_RETURN(nlohmann::json body, Answer(c, grant));
  if (refreshes) {
    ASSIGN_OR_RETURN(body["refresh_token"], NewRefreshToken(client, c, family));
  }
  if (std::find(grant.scopes.begin(), grant.scopes.end(), "openid") != grant.scopes.end()) {
    nlohmann::json id = {{"iss", c.iss},
                         {"sub", c.sub},
                         {"aud", client.view.row.client_id},
                         {"azp", client.view.row.client_id},
                         {"iat", c.iat},
                         {"exp", c.exp},
                         {"auth_time", c.auth_time},
                         {"sid", c.sid},
                         {"acr", row.acr},
                         {"amr", c.amr},
                         {"at_hash", LeftHalfHash(body["access_token"].get<std::string>())}};
    if (!row.nonce.empty()) id["nonce"] = row.nonce;
    if (std::find(grant.scopes.begin(), grant.scopes.end(), "profile") != grant.scopes.end()) {
      id["preferred_username"] = user.username;
    }
    ASSIGN_OR_RETURN(body["id_token"], tokens_.SignJson(id, "JWT"));
  }
  return body;
}

}  // namespace iam::oauth
