#include "iam/federation/federated_login.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/group_store.h"
#include "iam/store/idp_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::federation {
namespace {

constexpr int64_t kUpstreamLoginTtlMs = 10 * 60 * 1000;
constexpr size_t kMaxSubject = 255;

std::string Hash(absl::string_view v) { return crypto::Hex(crypto::Sha256(v)); }

// A claim as text: a string, or a number (some providers' subjects are).
std::string Text(const nlohmann::json& claims, const std::string& name) {
  if (name.empty()) return "";
  auto it = claims.find(name);
  if (it == claims.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// The amr values that say a second factor was used (RFC 8176).
bool MultiFactor(const std::vector<std::string>& amr) {
  static const std::set<std::string> kSecondFactors = {"mfa", "otp", "hwk", "swk", "sms",
                                                       "fpt", "face", "iris", "sc"};
  for (const auto& m : amr) {
    if (kSecondFactors.count(m)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<UpstreamProfile> ProfileOf(const nlohmann::json& claims, const Mapping& m) {
  UpstreamProfile p;
  p.subject = Text(claims, m.subject);
  if (p.subject.empty() || p.subject.size() > kMaxSubject || !text::IsValidUtf8(p.subject)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the upstream's ", m.subject, " claim is missing or unusable"));
  }
  p.username = Text(claims, m.username);
  p.email = Text(claims, m.email);
  auto verified = claims.find("email_verified");
  p.email_verified = verified != claims.end() &&
                     ((verified->is_boolean() && verified->get<bool>()) ||
                      (verified->is_string() && verified->get<std::string>() == "true"));
  p.phone = Text(claims, m.phone);
  p.display_name = Text(claims, m.display_name);
  if (!m.groups.empty()) {
    auto g = claims.find(m.groups);
    if (g != claims.end() && g->is_array()) {
      for (const auto& e : *g) {
        if (e.is_string() && p.groups.size() < kMaxUpstreamGroups) p.groups.push_back(e.get<std::string>());
      }
    } else if (g != claims.end() && g->is_string()) {
      p.groups.push_back(g->get<std::string>());
    }
  }
  auto amr = claims.find("amr");
  if (amr != claims.end() && amr->is_array()) {
    for (const auto& e : *amr) {
      if (e.is_string()) p.amr.push_back(e.get<std::string>());
    }
  }
  return p;
}

absl::StatusOr<std::string> FederatedLogin::Begin(const BeginRequest& r) {
  if (oidc_ == nullptr) return absl::NotFoundError("no upstream providers here");
  LoadedIdp idp;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(idp, idps_.Load(tx, r.account_id, r.provider));
    return absl::OkStatus();
  }));
  if (idp.provider.kind != "oidc") {
    return absl::NotFoundError(absl::StrCat("identity provider ", r.provider, " not found"));
  }
  ASSIGN_OR_RETURN(OidcEndpoints endpoints, oidc_->Endpoints(idp.provider.oidc));
  const std::string state = crypto::Base64Url(random_.Bytes(32));
  store::UpstreamLoginRow row;
  row.state_hash = Hash(state);
  row.account_id = r.account_id;
  row.provider = r.provider;
  row.request_id = r.request_id;
  row.browser_hash = Hash(absl::StrCat("browser|", r.browser_id));
  row.nonce = crypto::Base64Url(random_.Bytes(24));
  if (idp.provider.oidc.pkce) row.code_verifier = crypto::Base64Url(random_.Bytes(32));
  row.created_at = clock_.NowMs();
  row.expires_at = row.created_at + kUpstreamLoginTtlMs;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::idps::PutUpstreamLogin(tx, row);
  }));
  return OidcUpstream::AuthorizationUrl(
      endpoints, idp.provider.oidc,
      {r.redirect_uri, state, row.nonce, row.code_verifier, r.login_hint, r.ui_locales});
}

absl::Status FederatedLogin::Refuse(const std::string& account, const std::string& provider,
                                    const std::string& username, const CompleteRequest& r,
                                    const std::string& reason) {
  audit::Event e = audit::Event::By("anonymous", account, "sts:Login", "user", "");
  e.source_ip = r.source_ip;
  e.user_agent = r.user_agent;
  e.result = "failure";
  e.detail["username"] = username;
  e.detail["client_type"] = "web";
  e.detail["provider"] = provider;
  e.detail["reason"] = reason;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite,
                               [&](store::Tx& tx) { return audit_.Append(tx, e); }));
  return absl::PermissionDeniedError(reason);
}

absl::StatusOr<ProvenUser> FederatedLogin::Complete(const CompleteRequest& r) {
  if (oidc_ == nullptr) return absl::FailedPreconditionError("no upstream providers here");
  if (r.state.empty() || r.state.size() > 256) {
    return absl::FailedPreconditionError("the answer carries no state of a login here");
  }
  std::optional<store::UpstreamLoginRow> login;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(login, store::idps::TakeUpstreamLogin(tx, Hash(r.state)));
    return absl::OkStatus();
  }));
  // Used, expired, another account's, or brought by another browser (a
  // login forced on someone else): start again.
  if (!login || login->account_id != r.account_id || login->expires_at < clock_.NowMs() ||
      !crypto::ConstantTimeEquals(login->browser_hash,
                                  Hash(absl::StrCat("browser|", r.browser_id)))) {
    return absl::FailedPreconditionError("the answer matches no login of this browser");
  }
  LoadedIdp idp;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(idp, idps_.Load(tx, r.account_id, login->provider));
    return absl::OkStatus();
  }));
  const std::string& alias = login->provider;
  if (!r.error.empty()) {
    return Refuse(r.account_id, alias, "", r,
                  absl::StrCat("the provider answered ", r.error.substr(0, 64)));
  }
  if (r.code.empty() || r.code.size() > 4096) {
    return Refuse(r.account_id, alias, "", r, "the provider's answer has no code");
  }
  ASSIGN_OR_RETURN(OidcEndpoints endpoints, oidc_->Endpoints(idp.provider.oidc));
  auto tokens = oidc_->Exchange(endpoints, idp.provider.oidc, idp.secret, r.code,
                                r.redirect_uri, login->code_verifier);
  if (absl::IsPermissionDenied(tokens.status())) {
    return Refuse(r.account_id, alias, "", r, std::string(tokens.status().message()));
  }
  RETURN_IF_ERROR(tokens.status());
  // OpenID Connect: the verified ID token; a plain OAuth 2.0 login: what
  // its userinfo endpoint says of the access token's user.
  auto claims = idp.provider.oidc.protocol == "oauth2"
                    ? oidc_->UserInfo(idp.provider.oidc, tokens->access_token)
                    : oidc_->VerifyIdToken(endpoints, idp.provider.oidc, tokens->id_token,
                                           login->nonce);
  if (absl::IsPermissionDenied(claims.status())) {
    return Refuse(r.account_id, alias, "", r, std::string(claims.status().message()));
  }
  RETURN_IF_ERROR(claims.status());
  auto profile = ProfileOf(*claims, idp.provider.oidc.claims);
  if (!profile.ok()) return Refuse(r.account_id, alias, "", r, std::string(profile.status().message()));
  if (!idp.provider.allowed_email_domains.empty() && !idp.provider.EmailAllowed(profile->email)) {
    return Refuse(r.account_id, alias, profile->username, r,
                  "the upstream email is outside the provider's allowed domains");
  }
  auto proven = Resolve(idp, *profile);
  if (absl::IsPermissionDenied(proven.status())) {
    return Refuse(r.account_id, alias, profile->username, r,
                  std::string(proven.status().message()));
  }
  RETURN_IF_ERROR(proven.status());
  RETURN_IF_ERROR(SyncGroups(idp, proven->user_id, *profile));
  proven->request_id = login->request_id;
  proven->upstream_mfa = idp.provider.oidc.trust_upstream_mfa && MultiFactor(profile->amr);
  return proven;
}

absl::StatusOr<ProvenUser> FederatedLogin::Resolve(const LoadedIdp& idp,
                                                   const UpstreamProfile& profile) {
  const std::string& account = idp.account_id;
  const IdentityProvider& p = idp.provider;
  // Two first logins of one subject race: the loser finds the winner's link.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<store::UserRow> linked, candidate;
    bool name_taken = false;
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      linked.reset();
      candidate.reset();
      name_taken = false;
      ASSIGN_OR_RETURN(auto link, store::idps::FindLink(tx, account, p.alias, profile.subject));
      if (link) {
        auto u = store::users::Get(tx, link->user_id);
        if (u.ok()) linked = *u;
        return absl::OkStatus();
      }
      if (p.link == "verified_email" && profile.email_verified && !profile.email.empty()) {
        auto u = store::users::GetByEmailIndex(tx, account,
                                               pii_.BlindIndex(text::AsciiLower(profile.email)));
        if (u.ok()) candidate = *u;
      } else if (p.link == "username" && !profile.username.empty()) {
        auto u = store::users::GetByUsername(tx, account, profile.username);
        if (u.ok()) candidate = *u;
      }
      if (!candidate && !profile.username.empty()) {
        name_taken = store::users::GetByUsername(tx, account, profile.username).ok();
      }
      return absl::OkStatus();
    }));
    if (linked) {
      if (linked->kind != store::UserKind::kHuman) {
        return absl::PermissionDeniedError("the linked user is a service account");
      }
      RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
        return store::idps::Touch(tx, account, p.alias, profile.subject, clock_.NowMs());
      }));
      return ProvenUser{"", p.alias, linked->id, linked->username, false, false};
    }
    const int64_t now = clock_.NowMs();
    store::FederatedIdentityRow link{account, p.alias, profile.subject, "", now, now};
    absl::Status s;
    ProvenUser out{"", p.alias, "", "", false, false};
    if (candidate) {
      if (candidate->kind != store::UserKind::kHuman) {
        return absl::PermissionDeniedError("the matching user is a service account");
      }
      link.user_id = candidate->id;
      out.user_id = candidate->id;
      out.username = candidate->username;
      account::Operation op{"iam:LinkFederatedIdentity", account, "user/" + candidate->username,
                            account::Touches::kAccountData};
      s = mutations_.Commit(account::AdmitForIamd(account::Caller{}, op, account),
          [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
            RETURN_IF_ERROR(store::idps::Link(tx, link));
            record.Object("user", candidate->id);
            record.detail["username"] = candidate->username;
            record.detail["provider"] = p.alias;
            record.detail["subject"] = profile.subject;
            record.detail["rule"] = p.link;
            return absl::OkStatus();
          });
    } else {
      if (p.provisioning != "jit") {
        return absl::PermissionDeniedError(
            "no user here is linked to this upstream user, and the provider creates none");
      }
      if (name_taken) {
        return absl::PermissionDeniedError(
            "a user of the upstream's username exists here, and the provider's link rule does "
            "not link to it");
      }
      account::NewUser nu;
      nu.username = profile.username;
      nu.display_name = profile.display_name.substr(0, 256);
      if (!profile.email.empty() && text::CheckEmail("email", profile.email).ok()) {
        nu.email = profile.email;
      }
      if (!profile.phone.empty() && text::NormalizePhone("phone", profile.phone).ok()) {
        nu.phone = profile.phone;
      }
      if (!account::ValidateNewUser(nu).ok()) {
        return absl::PermissionDeniedError(
            "the upstream's username is not a usable name here (1 to 64 of A-Z a-z 0-9 +=,.@_-)");
      }
      account::Operation op{"iam:CreateUser", account, "user/" + nu.username,
                            account::Touches::kAccountData};
      s = mutations_.Commit(account::AdmitForIamd(account::Caller{}, op, account),
          [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
            ASSIGN_OR_RETURN(store::UserRow row, users_.InsertInTx(tx, account, nu));
            link.user_id = row.id;
            RETURN_IF_ERROR(store::idps::Link(tx, link));
            out.user_id = row.id;
            out.username = row.username;
            record.Object("user", row.id);
            record.detail["username"] = row.username;
            record.detail["provider"] = p.alias;
            record.detail["subject"] = profile.subject;
            record.detail["email_set"] = !nu.email.empty();
            return absl::OkStatus();
          });
      out.created = true;
    }
    if (absl::IsAlreadyExists(s)) continue;  // a concurrent first login won
    RETURN_IF_ERROR(s);
    return out;
  }
  return absl::AbortedError("the upstream user's link changed twice during the login");
}

absl::Status FederatedLogin::SyncGroups(const LoadedIdp& idp, const std::string& user_id,
                                        const UpstreamProfile& profile) {
  const IdentityProvider& p = idp.provider;
  if (p.group_map.empty()) return absl::OkStatus();
  const std::set<std::string> upstream(profile.groups.begin(), profile.groups.end());
  std::set<std::string> want;  // local group names
  std::set<std::string> managed;
  for (const auto& [from, to] : p.group_map) {
    managed.insert(to);
    if (upstream.count(from)) want.insert(to);
  }
  // What would change, read first: most logins change nothing and need no
  // write, nor a new authorization version.
  std::vector<std::pair<std::string, std::string>> add, remove;  // (group id, name)
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    add.clear();
    remove.clear();
    ASSIGN_OR_RETURN(auto current, store::groups::ListGroupsOfUser(tx, user_id));
    std::set<std::string> have;
    for (const auto& g : current) {
      have.insert(g.name);
      if (managed.count(g.name) && !want.count(g.name)) remove.push_back({g.id, g.name});
    }
    for (const auto& name : want) {
      if (have.count(name)) continue;
      auto g = store::groups::GetByName(tx, idp.account_id, name);
      if (g.ok()) add.push_back({g->id, g->name});  // a mapped group that does not exist is skipped
    }
    return absl::OkStatus();
  }));
  if (add.empty() && remove.empty()) return absl::OkStatus();
  account::Operation op{"iam:SyncFederatedGroups", idp.account_id, "", account::Touches::kAuthorization};
  return mutations_.Commit(account::AdmitForIamd(account::Caller{}, op, idp.account_id),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
        for (const auto& [id, name] : add) {
          absl::Status s = store::groups::AddMember(tx, account, id, user_id, clock_.NowMs());
          if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
          added.push_back(name);
        }
        for (const auto& [id, name] : remove) {
          absl::Status s = store::groups::RemoveMember(tx, id, user_id);
          if (!s.ok() && !absl::IsNotFound(s)) return s;
          removed.push_back(name);
        }
        record.Object("user", user_id);
        record.detail["provider"] = p.alias;
        record.detail["added"] = added;
        record.detail["removed"] = removed;
        return absl::OkStatus();
      });
}

absl::StatusOr<auth::DirectoryVerdict> FederatedLogin::Check(const std::string& account_id,
                                                             const std::string& username,
                                                             const std::string& password,
                                                             const store::UserRow* known) {
  auth::DirectoryVerdict verdict;
  std::optional<LoadedIdp> idp;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    idp.reset();
    ASSIGN_OR_RETURN(auto enabled, IdpService::Enabled(tx, account_id));
    std::vector<const IdentityProvider*> ldap;
    for (const auto& p : enabled) {
      if (p.kind == "ldap") ldap.push_back(&p);
    }
    if (ldap.empty()) return absl::OkStatus();
    const IdentityProvider* chosen = nullptr;
    if (known != nullptr) {
      ASSIGN_OR_RETURN(auto links, store::idps::LinksOfUser(tx, known->id));
      for (const auto& l : links) {
        for (const auto* p : ldap) {
          if (p->alias == l.provider) chosen = p;
        }
      }
      // A user of this service's own, unless the rule names them.
      if (chosen == nullptr && ldap[0]->link == "username") chosen = ldap[0];
    } else {
      chosen = ldap[0];
    }
    if (chosen == nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(LoadedIdp loaded, idps_.Load(tx, account_id, chosen->alias));
    idp = std::move(loaded);
    return absl::OkStatus();
  }));
  if (!idp) return verdict;
  verdict.provider = idp->provider.alias;
  auto user = directory_.Authenticate(idp->provider.ldap, idp->secret, username, password);
  if (absl::IsNotFound(user.status()) || absl::IsPermissionDenied(user.status())) {
    verdict.kind = auth::DirectoryVerdict::kRejected;
    verdict.reason = std::string(user.status().message());
    return verdict;
  }
  if (!user.ok()) {
    // The directory cannot say: neither a success nor a failure.
    return absl::UnavailableError(absl::StrCat(
        "the account's directory cannot be reached; try again later (",
        user.status().message(), ")"));
  }
  UpstreamProfile profile;
  profile.subject = user->subject;
  profile.username = user->username.empty() ? username : user->username;
  profile.email = user->email;
  profile.email_verified = !user->email.empty();
  profile.phone = user->phone;
  profile.display_name = user->display_name;
  profile.groups = user->groups;
  if (!idp->provider.allowed_email_domains.empty() && !idp->provider.EmailAllowed(profile.email)) {
    verdict.kind = auth::DirectoryVerdict::kRejected;
    verdict.reason = "the directory email is outside the provider's allowed domains";
    return verdict;
  }
  auto proven = Resolve(*idp, profile);
  if (absl::IsPermissionDenied(proven.status())) {
    verdict.kind = auth::DirectoryVerdict::kRejected;
    verdict.reason = std::string(proven.status().message());
    return verdict;
  }
  RETURN_IF_ERROR(proven.status());
  RETURN_IF_ERROR(SyncGroups(*idp, proven->user_id, profile));
  verdict.kind = auth::DirectoryVerdict::kVerified;
  verdict.user_id = proven->user_id;
  return verdict;
}

absl::StatusOr<FederatedLogin::SyncResult> FederatedLogin::SyncDirectory(
    const std::string& account_id, const std::string& alias) {
  LoadedIdp idp;
  std::vector<store::FederatedIdentityRow> links;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(idp, idps_.Load(tx, account_id, alias));
    ASSIGN_OR_RETURN(links, store::idps::LinksOfProvider(tx, account_id, alias));
    return absl::OkStatus();
  }));
  if (idp.provider.kind != "ldap") {
    return absl::FailedPreconditionError("only LDAP providers are synced");
  }
  ASSIGN_OR_RETURN(LdapDirectory::Snapshot snapshot,
                   directory_.Users(idp.provider.ldap, idp.secret));
  const std::set<std::string> disabled(snapshot.disabled.begin(), snapshot.disabled.end());
  SyncResult out;
  for (const auto& link : links) {
    ++out.checked;
    std::optional<store::UserRow> user;
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      auto u = store::users::Get(tx, link.user_id);
      if (u.ok()) user = *u;
      return absl::OkStatus();
    }));
    if (!user) continue;
    auto entry = snapshot.users.find(link.subject);
    const bool gone = entry == snapshot.users.end();
    if (gone || disabled.count(link.subject)) {
      if (user->state != store::UserState::kActive) continue;
      if (user->is_admin) {
        out.kept.push_back(user->username);
        continue;
      }
      account::Operation op{"iam:DisableUser", account_id, "user/" + user->username,
                            account::Touches::kAuthorization};
      RETURN_IF_ERROR(mutations_.Commit(account::AdmitForIamd(account::Caller{}, op, account_id),
          [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
            ASSIGN_OR_RETURN(store::UserRow row, store::users::Get(tx, link.user_id));
            row.state = store::UserState::kDisabled;
            row.updated_at = clock_.NowMs();
            RETURN_IF_ERROR(store::users::Update(tx, row));
            ASSIGN_OR_RETURN(auto ended, store::sessions::RevokeAllOfUser(
                                             tx, row.id, row.updated_at, "user disabled"));
            record.Object("user", row.id);
            record.detail["username"] = row.username;
            record.detail["provider"] = alias;
            record.detail["reason"] = gone ? "directory: the user is gone or outside the filter"
                                           : "directory: the user is disabled";
            record.detail["sessions_revoked"] = ended.size();
            return absl::OkStatus();
          }));
      out.disabled.push_back(user->username);
      continue;
    }
    ASSIGN_OR_RETURN(auto groups,
                     directory_.GroupsOf(idp.provider.ldap, idp.secret, entry->second.dn));
    UpstreamProfile profile;
    profile.groups = std::move(groups);
    RETURN_IF_ERROR(SyncGroups(idp, link.user_id, profile));
  }
  account::Operation op{"iam:SyncDirectory", account_id, "identity-provider/" + alias,
                        account::Touches::kAccountData};
  RETURN_IF_ERROR(mutations_.Commit(account::AdmitForIamd(account::Caller{}, op, account_id),
      [&](store::Tx&, const std::string&, audit::Event& record) -> absl::Status {
        record.Object("identity-provider", alias);
        record.detail["checked"] = out.checked;
        record.detail["directory_users"] = snapshot.users.size();
        record.detail["disabled"] = out.disabled;
        record.detail["kept_administrators"] = out.kept;
        return absl::OkStatus();
      }));
  return out;
}

void FederatedLogin::SyncDueDirectories() {
  std::vector<store::IdentityProviderRow> rows;
  absl::Status read = db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store::idps::ListOfKind(tx, "ldap"));
    return absl::OkStatus();
  });
  if (!read.ok()) return;
  const int64_t now = clock_.NowMs();
  for (const auto& row : rows) {
    auto p = IdentityProvider::FromJson(nlohmann::json::parse(row.config, nullptr, false));
    if (!p.ok() || !p->enabled || p->ldap.sync_interval_seconds == 0) continue;
    const std::string key = absl::StrCat(row.account_id, "/", row.alias);
    {
      std::lock_guard<std::mutex> lock(sync_mu_);
      auto it = last_sync_ms_.find(key);
      if (it != last_sync_ms_.end() &&
          now - it->second < int64_t{p->ldap.sync_interval_seconds} * 1000) {
        continue;
      }
      last_sync_ms_[key] = now;
    }
    auto synced = SyncDirectory(row.account_id, row.alias);
    if (!synced.ok()) {
      log::Error("directory sync failed", {{"account", row.account_id},
                                           {"provider", row.alias},
                                           {"status", synced.status().ToString()}});
    }
  }
}

}  // namespace iam::federation
