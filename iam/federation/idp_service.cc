#include "iam/federation/idp_service.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::federation {
namespace {

constexpr size_t kMaxSecretBytes = 4096;

account::Operation On(absl::string_view action, const std::string& account_id,
                      const std::string& alias) {
  account::Operation op{std::string(action), account_id, "identity-provider/" + alias,
                        account::Touches::kAccountData};
  op.Check(CheckAlias("alias", alias));
  return op;
}

absl::Status CheckSecret(const std::string& secret) {
  if (secret.size() > kMaxSecretBytes) {
    return absl::InvalidArgumentError("secret: longer than 4096 bytes");
  }
  return text::CheckFreeText("secret", secret, kMaxSecretBytes);
}

// A secret the kind needs: an OIDC client that authenticates with one, an
// LDAP directory with a service bind.
absl::Status CheckSecretPresence(const IdentityProvider& p, bool has_secret) {
  if (p.kind == "oidc") {
    const bool needs = p.oidc.client_auth == "client_secret_basic" ||
                       p.oidc.client_auth == "client_secret_post";
    if (needs && !has_secret) {
      return absl::InvalidArgumentError(absl::StrCat(
          "secret: the client secret is required with client_auth ", p.oidc.client_auth));
    }
    if (!needs && has_secret) {
      return absl::InvalidArgumentError(absl::StrCat("secret: a client with client_auth ",
                                                     p.oidc.client_auth, " has none"));
    }
  } else if (!p.ldap.bind_dn.empty() && !has_secret) {
    return absl::InvalidArgumentError("secret: the bind password of ldap.bind_dn is required");
  }
  return absl::OkStatus();
}

void Describe(const IdentityProvider& p, bool has_secret, audit::Event& record) {
  record.Object("identity-provider", p.alias);
  record.detail["kind"] = p.kind;
  record.detail["config"] = p.ToJson();
  record.detail["has_secret"] = has_secret;
}

}  // namespace

std::string IdpService::Binding(const std::string& account, const std::string& alias) const {
  return absl::StrCat("idp-secret|", account, "|", alias);
}

absl::StatusOr<IdpView> IdpService::ViewOf(const store::IdentityProviderRow& row) const {
  auto parsed = IdentityProvider::FromJson(nlohmann::json::parse(row.config, nullptr, false));
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("stored identity provider ", row.alias,
                                            " does not parse"));
  }
  return IdpView{row.account_id, *std::move(parsed), !row.sealed_secret.empty(), row.created_at,
                 row.updated_at};
}

absl::StatusOr<IdpView> IdpService::Create(const account::Caller& caller,
                                           const std::string& account_id,
                                           const nlohmann::json& config,
                                           const std::string& secret) {
  auto parsed = IdentityProvider::FromJson(config);
  account::Operation op{"iam:CreateIdentityProvider", account_id,
                        "identity-provider/" + (parsed.ok() ? parsed->alias : std::string("*")),
                        account::Touches::kAccountData};
  op.Check(parsed.status());
  op.Check(CheckSecret(secret));
  if (parsed.ok()) op.Check(CheckSecretPresence(*parsed, !secret.empty()));
  IdpView out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        const int64_t now = clock_.NowMs();
        store::IdentityProviderRow row{account,     parsed->alias,
                                       parsed->kind, parsed->ToJson().dump(),
                                       secret.empty() ? "" : sealer_.Seal(secret, Binding(account, parsed->alias)),
                                       now,         now};
        absl::Status s = store::idps::Insert(tx, row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("alias: the account has an identity provider of that alias");
        }
        RETURN_IF_ERROR(s);
        Describe(*parsed, !secret.empty(), record);
        out = IdpView{account, *parsed, !secret.empty(), now, now};
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<IdpView> IdpService::Get(const account::Caller& caller,
                                        const std::string& account_id, const std::string& alias) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, On("iam:GetIdentityProvider", account_id, alias)));
  IdpView out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::IdentityProviderRow row, store::idps::Get(tx, account, alias));
    ASSIGN_OR_RETURN(out, ViewOf(row));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<IdpView>> IdpService::List(const account::Caller& caller,
                                                      const std::string& account_id) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListIdentityProviders", account_id,
                                             "identity-provider/*"}));
  std::vector<IdpView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(auto rows, store::idps::List(tx, account));
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(IdpView v, ViewOf(row));
      out.push_back(std::move(v));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<IdpView> IdpService::Update(const account::Caller& caller,
                                           const std::string& account_id,
                                           const std::string& alias, const nlohmann::json& config,
                                           const SecretChange& secret) {
  account::Operation op = On("iam:UpdateIdentityProvider", account_id, alias);
  auto parsed = IdentityProvider::FromJson(config);
  op.Check(parsed.status());
  if (parsed.ok() && parsed->alias != alias) {
    op.Check(absl::InvalidArgumentError("config.alias: an alias cannot change (create another)"));
  }
  if (secret.set) op.Check(CheckSecret(*secret.set));
  if (secret.set && secret.clear) {
    op.Check(absl::InvalidArgumentError("secret: set a new one or clear it, not both"));
  }
  IdpView out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::IdentityProviderRow row, store::idps::Get(tx, account, alias));
        if (row.kind != parsed->kind) {
          return absl::InvalidArgumentError("config.kind: the kind cannot change (create another)");
        }
        ASSIGN_OR_RETURN(IdpView before, ViewOf(row));
        if (secret.clear) row.sealed_secret.clear();
        if (secret.set) row.sealed_secret = sealer_.Seal(*secret.set, Binding(account, alias));
        RETURN_IF_ERROR(CheckSecretPresence(*parsed, !row.sealed_secret.empty()));
        row.config = parsed->ToJson().dump();
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::idps::Update(tx, row));
        Describe(*parsed, !row.sealed_secret.empty(), record);
        record.detail["before"] = before.provider.ToJson();
        record.detail["secret_changed"] = secret.set.has_value() || secret.clear;
        out = IdpView{account, *parsed, !row.sealed_secret.empty(), row.created_at,
                      row.updated_at};
        return absl::OkStatus();
      }));
  return out;
}

absl::Status IdpService::Delete(const account::Caller& caller, const std::string& account_id,
                                const std::string& alias) {
  return mutations_.Run(caller, On("iam:DeleteIdentityProvider", account_id, alias),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::IdentityProviderRow row, store::idps::Get(tx, account, alias));
        RETURN_IF_ERROR(store::idps::Delete(tx, account, alias));
        record.Object("identity-provider", alias);
        record.detail["kind"] = row.kind;
        return absl::OkStatus();
      });
}

absl::StatusOr<LoadedIdp> IdpService::LoadForTest(const account::Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& alias) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, On("iam:TestIdentityProvider", account_id, alias)));
  LoadedIdp out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::IdentityProviderRow row, store::idps::Get(tx, account, alias));
    ASSIGN_OR_RETURN(IdpView v, ViewOf(row));
    out = LoadedIdp{account, v.provider, ""};
    if (!row.sealed_secret.empty()) {
      ASSIGN_OR_RETURN(out.secret, sealer_.Open(row.sealed_secret, Binding(account, alias)));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<LoadedIdp> IdpService::Load(store::Tx& tx, const std::string& account_id,
                                           const std::string& alias) const {
  ASSIGN_OR_RETURN(store::IdentityProviderRow row, store::idps::Get(tx, account_id, alias));
  ASSIGN_OR_RETURN(IdpView v, ViewOf(row));
  if (!v.provider.enabled) {
    return absl::NotFoundError(absl::StrCat("identity provider ", alias, " not found"));
  }
  LoadedIdp out{account_id, v.provider, ""};
  if (!row.sealed_secret.empty()) {
    ASSIGN_OR_RETURN(out.secret, sealer_.Open(row.sealed_secret, Binding(account_id, alias)));
  }
  return out;
}

absl::StatusOr<std::vector<IdentityProvider>> IdpService::Enabled(store::Tx& tx,
                                                                  const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, store::idps::List(tx, account_id));
  std::vector<IdentityProvider> out;
  for (const auto& row : rows) {
    auto p = IdentityProvider::FromJson(nlohmann::json::parse(row.config, nullptr, false));
    if (p.ok() && p->enabled) out.push_back(*std::move(p));
  }
  return out;
}

}  // namespace iam::federation
