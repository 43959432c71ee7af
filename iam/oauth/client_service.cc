#include "iam/oauth/client_service.h"

#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/account/ids.h"
#include "iam/account/paging.h"
#include "iam/account/user_service.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/logout_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/user_store.h"

namespace iam::oauth {
namespace {

constexpr size_t kMaxDescription = 1000;
constexpr int kMaxInitialAccessTokenUses = 10000;
constexpr size_t kMaxInitialAccessTokens = 100;

account::Operation On(absl::string_view action, const std::string& account_id,
                      const std::string& client_id) {
  account::Operation op{std::string(action), account_id, "client/" + client_id};
  op.Check(text::CheckName("client_id", client_id, kMaxClientIdLength));
  return op;
}

// "iamd" acting for a request that carries a token, not a caller.
account::Caller Anonymous(const std::string& source_ip) {
  account::Caller c;
  c.source_ip = source_ip;
  return c;
}

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("the access token is not valid for this");
}

}  // namespace

std::string ServiceAccountName(absl::string_view client_id) {
  return absl::StrCat(account::kServiceAccountPrefix, client_id);
}

std::string ServiceAccountDisplayName(absl::string_view client_id) {
  return absl::StrCat("Service account of OAuth client ", client_id);
}

std::string SecretDigest(absl::string_view secret) { return crypto::Hex(crypto::Sha256(secret)); }

bool OldSecretLive(const store::ClientRow& row, int64_t now_ms) {
  return row.old_secret_hash && row.old_secret_expires_at && *row.old_secret_expires_at > now_ms;
}

ClientView ClientService::ViewOf(store::ClientRow row, ClientMetadata metadata,
                                 std::string service_account) {
  ClientView v{std::move(row), std::move(metadata), std::move(service_account), false};
  v.has_old_secret = OldSecretLive(v.row, clock_.NowMs());
  return v;
}

std::string ClientService::FitSecret(store::ClientRow& row, const ClientMetadata& m) {
  if (!m.UsesSecret()) {
    row.secret_hash.reset();
    row.secret_created_at.reset();
    row.old_secret_hash.reset();
    row.old_secret_expires_at.reset();
    return "";
  }
  if (row.secret_hash) return "";
  const std::string secret = account::NewSecret(random_);
  row.secret_hash = SecretDigest(secret);
  row.secret_created_at = clock_.NowMs();
  return secret;
}

absl::StatusOr<ClientView> ClientService::ReadView(store::Tx& tx, store::ClientRow row) {
  ASSIGN_OR_RETURN(ClientMetadata m, LoadClientMetadata(row.metadata));
  std::string service_account;
  if (row.service_user_id) {
    auto u = store::users::Get(tx, *row.service_user_id);
    if (u.ok()) service_account = u->username;
  }
  return ViewOf(std::move(row), std::move(m), std::move(service_account));
}

absl::StatusOr<std::string> ClientService::EnsureServiceAccount(store::Tx& tx,
                                                                const std::string& account,
                                                                store::ClientRow& row) {
  if (row.service_user_id) {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, *row.service_user_id));
    return u.username;
  }
  store::UserRow u;
  u.id = account::NewUserId(random_);
  u.account_id = account;
  u.username = ServiceAccountName(row.client_id);
  u.display_name = ServiceAccountDisplayName(row.client_id);
  u.kind = store::UserKind::kService;
  u.created_at = u.updated_at = clock_.NowMs();
  absl::Status s = store::users::Insert(tx, u);
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "client_id: the account has a user named ", u.username,
        " already; the client's service account would take that name"));
  }
  RETURN_IF_ERROR(s);
  row.service_user_id = u.id;
  return u.username;
}

absl::StatusOr<IssuedClient> ClientService::Create(const account::Caller& caller,
                                                   const std::string& account_id,
                                                   const std::string& client_id,
                                                   const nlohmann::json& metadata) {
  account::Operation op = On("iam:CreateClient", account_id, client_id);
  auto parsed = ParseClientMetadata(metadata, "metadata.");
  op.Check(parsed.status());
  IssuedClient out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        const int64_t now = clock_.NowMs();
        store::ClientRow row;
        row.id = account::NewClientId(random_);
        row.account_id = account;
        row.client_id = client_id;
        row.metadata = parsed->ToJson().dump();
        row.created_at = row.updated_at = now;
        out.client_secret = FitSecret(row, *parsed);
        std::string service_account;
        if (parsed->Allows(kGrantClientCredentials)) {
          ASSIGN_OR_RETURN(service_account, EnsureServiceAccount(tx, account, row));
        }
        absl::Status s = store::clients::Insert(tx, row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("client_id: the account has a client of that id");
        }
        RETURN_IF_ERROR(s);
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        record.detail["auth_method"] = parsed->token_endpoint_auth_method;
        record.detail["grant_types"] = parsed->grant_types;
        if (!service_account.empty()) record.detail["service_account"] = service_account;
        out.client = ViewOf(row, *parsed, service_account);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<ClientView> ClientService::Get(const account::Caller& caller,
                                              const std::string& account_id,
                                              const std::string& client_id) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, On("iam:GetClient", account_id, client_id)));
  ClientView out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::ClientRow row, store::clients::Get(tx, account, client_id));
    ASSIGN_OR_RETURN(out, ReadView(tx, std::move(row)));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<ClientView> ClientService::Load(const std::string& account_id,
                                               const std::string& client_id) {
  ClientView out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::ClientRow row, store::clients::Get(tx, account_id, client_id));
    ASSIGN_OR_RETURN(out, ReadView(tx, std::move(row)));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<account::Listing<ClientView>> ClientService::List(const account::Caller& caller,
                                                                 const std::string& account_id,
                                                                 int page_size,
                                                                 const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListClients", account_id, "client/*"}));
  ASSIGN_OR_RETURN(account::Page page, account::ParsePage(page_size, page_token, "clients"));
  account::Listing<ClientView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, store::clients::List(tx, account, page.after, page.size + 1));
    out.items.clear();
    for (auto& row : rows) {
      ASSIGN_OR_RETURN(ClientView v, ReadView(tx, std::move(row)));
      out.items.push_back(std::move(v));
    }
    return absl::OkStatus();
  }));
  if (static_cast<int>(out.items.size()) > page.size) {
    out.items.resize(page.size);
    out.next_page_token = account::PageToken("clients", out.items.back().row.client_id);
  }
  return out;
}

absl::StatusOr<IssuedClient> ClientService::Update(const account::Caller& caller,
                                                   const std::string& account_id,
                                                   const std::string& client_id,
                                                   const std::optional<nlohmann::json>& metadata,
                                                   std::optional<bool> enabled) {
  account::Operation op = On("iam:UpdateClient", account_id, client_id);
  std::optional<ClientMetadata> parsed;
  if (metadata) {
    auto m = ParseClientMetadata(*metadata, "metadata.");
    op.Check(m.status());
    if (m.ok()) parsed = *std::move(m);
  }
  if (!metadata && !enabled) {
    op.Check(absl::InvalidArgumentError("update: give metadata, enabled, or both"));
  }
  IssuedClient out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ClientRow row, store::clients::Get(tx, account, client_id));
        ASSIGN_OR_RETURN(ClientMetadata before, LoadClientMetadata(row.metadata));
        const ClientMetadata after = parsed ? *parsed : before;
        out.client_secret = FitSecret(row, after);
        std::string service_account;
        if (after.Allows(kGrantClientCredentials) || row.service_user_id) {
          ASSIGN_OR_RETURN(service_account, EnsureServiceAccount(tx, account, row));
        }
        row.metadata = after.ToJson().dump();
        if (enabled) row.state = *enabled ? store::ClientState::kActive : store::ClientState::kDisabled;
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::clients::Update(tx, row));
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        if (parsed) record.detail["metadata"] = "replaced";
        if (enabled) record.detail["state"] = store::Name(row.state);
        if (!out.client_secret.empty()) record.detail["secret"] = "issued";
        out.client = ViewOf(row, after, service_account);
        return absl::OkStatus();
      }));
  return out;
}

absl::Status ClientService::Delete(const account::Caller& caller, const std::string& account_id,
                                   const std::string& client_id) {
  return mutations_.Run(caller, On("iam:DeleteClient", account_id, client_id),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ClientRow row, store::clients::Get(tx, account, client_id));
        RETURN_IF_ERROR(store::sso::DeleteOfClient(tx, row.account_id, row.client_id));
        RETURN_IF_ERROR(store::logout::DeleteOfClient(tx, row.account_id, row.client_id));
        RETURN_IF_ERROR(store::clients::Delete(tx, row.id));
        if (row.service_user_id) {
          RETURN_IF_ERROR(account::DeleteUserAndBindings(tx, *row.service_user_id));
          record.detail["service_account_deleted"] = true;
        }
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        return absl::OkStatus();
      });
}

absl::StatusOr<IssuedClient> ClientService::RotateSecret(const account::Caller& caller,
                                                         const std::string& account_id,
                                                         const std::string& client_id,
                                                         absl::Duration grace) {
  account::Operation op = On("iam:RotateClientSecret", account_id, client_id);
  if (grace < absl::ZeroDuration() || grace > kMaxSecretGrace) {
    op.Check(absl::InvalidArgumentError("grace_seconds: between 0 and 604800 (7 days)"));
  }
  IssuedClient out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ClientRow row, store::clients::Get(tx, account, client_id));
        ASSIGN_OR_RETURN(ClientMetadata m, LoadClientMetadata(row.metadata));
        if (!m.UsesSecret()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the client authenticates with ", m.token_endpoint_auth_method,
              ", not a secret: nothing to rotate"));
        }
        const int64_t now = clock_.NowMs();
        // The secret being replaced keeps working for the grace period; a
        // secret still in an earlier grace period ends now.
        if (grace > absl::ZeroDuration() && row.secret_hash) {
          row.old_secret_hash = row.secret_hash;
          row.old_secret_expires_at = now + absl::ToInt64Milliseconds(grace);
        } else {
          row.old_secret_hash.reset();
          row.old_secret_expires_at.reset();
        }
        out.client_secret = account::NewSecret(random_);
        row.secret_hash = SecretDigest(out.client_secret);
        row.secret_created_at = now;
        row.updated_at = now;
        RETURN_IF_ERROR(store::clients::Update(tx, row));
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        record.detail["grace_seconds"] = absl::ToInt64Seconds(grace);
        std::string service_account;
        if (row.service_user_id) {
          auto u = store::users::Get(tx, *row.service_user_id);
          if (u.ok()) service_account = u->username;
        }
        out.client = ViewOf(row, m, service_account);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<IssuedInitialAccessToken> ClientService::CreateInitialAccessToken(
    const account::Caller& caller, const std::string& account_id, const std::string& description,
    absl::Duration ttl, int uses) {
  account::Operation op{"iam:CreateInitialAccessToken", account_id, "client/*",
                        account::Touches::kAccountData};
  op.Check(text::CheckFreeText("description", description, kMaxDescription));
  if (ttl <= absl::ZeroDuration() || ttl > kMaxInitialAccessTokenTtl) {
    op.Check(absl::InvalidArgumentError("ttl_seconds: between 1 and 2592000 (30 days)"));
  }
  if (uses < 1 || uses > kMaxInitialAccessTokenUses) {
    op.Check(absl::InvalidArgumentError("uses: between 1 and 10000"));
  }
  IssuedInitialAccessToken out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(auto existing, store::clients::ListInitialAccessTokens(tx, account));
        if (existing.size() >= kMaxInitialAccessTokens) {
          return absl::ResourceExhaustedError(
              "the account has 100 initial access tokens; delete some first");
        }
        const int64_t now = clock_.NowMs();
        out.token = account::NewSecret(random_);
        out.row = {account::NewClientId(random_), account, SecretDigest(out.token), description,
                   uses, now + absl::ToInt64Milliseconds(ttl), now};
        RETURN_IF_ERROR(store::clients::InsertInitialAccessToken(tx, out.row));
        record.Object("initial-access-token", out.row.id);
        record.detail["uses"] = uses;
        record.detail["expires_at"] = out.row.expires_at;
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<store::LogoutDeliveryRow>> ClientService::ListLogoutDeliveries(
    const account::Caller& caller, const std::string& account_id, const std::string& client_id,
    int limit) {
  RETURN_IF_ERROR(text::CheckName("client_id", client_id, kMaxClientIdLength));
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListLogoutDeliveries", account_id,
                                             "client/" + client_id}));
  const int n = limit <= 0 ? 50 : std::min(limit, 500);
  std::vector<store::LogoutDeliveryRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, store::logout::ListOfClient(tx, account, client_id, n));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<store::InitialAccessTokenRow>> ClientService::ListInitialAccessTokens(
    const account::Caller& caller, const std::string& account_id) {
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, {"iam:ListInitialAccessTokens",
                                                                  account_id, "client/*"}));
  std::vector<store::InitialAccessTokenRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, store::clients::ListInitialAccessTokens(tx, account));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status ClientService::DeleteInitialAccessToken(const account::Caller& caller,
                                                     const std::string& account_id,
                                                     const std::string& id) {
  account::Operation op{"iam:DeleteInitialAccessToken", account_id, "client/*",
                        account::Touches::kAccountData};
  op.Check(text::CheckName("id", id, 64));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        RETURN_IF_ERROR(store::clients::DeleteInitialAccessToken(tx, account, id));
        record.Object("initial-access-token", id);
        return absl::OkStatus();
      });
}

absl::StatusOr<store::ClientRow> ClientService::Registered(store::Tx& tx,
                                                           const std::string& account_id,
                                                           const std::string& client_id,
                                                           const std::string& registration_token) {
  auto row = store::clients::Get(tx, account_id, client_id);
  if (absl::IsNotFound(row.status())) return Unauthenticated();
  RETURN_IF_ERROR(row.status());
  if (!row->registration_hash ||
      !crypto::ConstantTimeEquals(*row->registration_hash, SecretDigest(registration_token))) {
    return Unauthenticated();
  }
  return row;
}

absl::StatusOr<IssuedClient> ClientService::Register(const std::string& account_id,
                                                     const std::string& initial_access_token,
                                                     const nlohmann::json& metadata,
                                                     const std::string& source_ip) {
  ASSIGN_OR_RETURN(ClientMetadata parsed, ParseClientMetadata(metadata));
  // The server names registered clients: no guessing at, or squatting on,
  // the names administrators give.
  const std::string client_id = "dcr-" + crypto::Hex(random_.Bytes(12));
  account::Operation op{"iam:CreateClient", account_id, "client/" + client_id};
  IssuedClient out;
  RETURN_IF_ERROR(mutations_.Commit(account::AdmitForIamd(Anonymous(source_ip), op, account_id),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        absl::Status used = store::clients::ConsumeInitialAccessToken(
            tx, account, SecretDigest(initial_access_token), clock_.NowMs());
        if (absl::IsNotFound(used)) return Unauthenticated();
        RETURN_IF_ERROR(used);
        const int64_t now = clock_.NowMs();
        store::ClientRow row;
        row.id = account::NewClientId(random_);
        row.account_id = account;
        row.client_id = client_id;
        row.metadata = parsed.ToJson().dump();
        row.created_at = row.updated_at = now;
        out.client_secret = FitSecret(row, parsed);
        out.registration_access_token = account::NewSecret(random_);
        row.registration_hash = SecretDigest(out.registration_access_token);
        std::string service_account;
        if (parsed.Allows(kGrantClientCredentials)) {
          ASSIGN_OR_RETURN(service_account, EnsureServiceAccount(tx, account, row));
        }
        RETURN_IF_ERROR(store::clients::Insert(tx, row));
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        record.detail["via"] = "dynamic registration";
        record.detail["grant_types"] = parsed.grant_types;
        out.client = ViewOf(row, parsed, service_account);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<ClientView> ClientService::ReadRegistered(const std::string& account_id,
                                                         const std::string& client_id,
                                                         const std::string& registration_token) {
  ClientView out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::ClientRow row, Registered(tx, account_id, client_id, registration_token));
    ASSIGN_OR_RETURN(out, ReadView(tx, std::move(row)));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<IssuedClient> ClientService::ReplaceRegistered(
    const std::string& account_id, const std::string& client_id,
    const std::string& registration_token, const nlohmann::json& metadata,
    const std::string& source_ip) {
  // RFC 7592: the body repeats client_id (and may echo client_secret);
  // neither is metadata.
  nlohmann::json doc = metadata;
  if (doc.is_object()) {
    if (doc.contains("client_id") && doc["client_id"] != client_id) {
      return absl::InvalidArgumentError("client_id: does not match the client being updated");
    }
    doc.erase("client_id");
    doc.erase("client_secret");
  }
  ASSIGN_OR_RETURN(ClientMetadata parsed, ParseClientMetadata(doc));
  account::Operation op{"iam:UpdateClient", account_id, "client/" + client_id};
  IssuedClient out;
  RETURN_IF_ERROR(mutations_.Commit(account::AdmitForIamd(Anonymous(source_ip), op, account_id),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ClientRow row, Registered(tx, account, client_id, registration_token));
        out.client_secret = FitSecret(row, parsed);
        std::string service_account;
        if (parsed.Allows(kGrantClientCredentials) || row.service_user_id) {
          ASSIGN_OR_RETURN(service_account, EnsureServiceAccount(tx, account, row));
        }
        row.metadata = parsed.ToJson().dump();
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::clients::Update(tx, row));
        record.actor = account::IamArn(account, "client/" + client_id);
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        record.detail["via"] = "dynamic registration";
        out.client = ViewOf(row, parsed, service_account);
        return absl::OkStatus();
      }));
  return out;
}

absl::Status ClientService::DeleteRegistered(const std::string& account_id,
                                             const std::string& client_id,
                                             const std::string& registration_token,
                                             const std::string& source_ip) {
  account::Operation op{"iam:DeleteClient", account_id, "client/" + client_id};
  return mutations_.Commit(account::AdmitForIamd(Anonymous(source_ip), op, account_id),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ClientRow row, Registered(tx, account, client_id, registration_token));
        RETURN_IF_ERROR(store::sso::DeleteOfClient(tx, row.account_id, row.client_id));
        RETURN_IF_ERROR(store::logout::DeleteOfClient(tx, row.account_id, row.client_id));
        RETURN_IF_ERROR(store::clients::Delete(tx, row.id));
        if (row.service_user_id) {
          RETURN_IF_ERROR(account::DeleteUserAndBindings(tx, *row.service_user_id));
        }
        record.actor = account::IamArn(account, "client/" + client_id);
        record.Object("client", row.id);
        record.detail["client_id"] = row.client_id;
        record.detail["via"] = "dynamic registration";
        return absl::OkStatus();
      });
}

}  // namespace iam::oauth
