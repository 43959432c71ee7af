#include "iam/oauth/backchannel_logout.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/client_metadata.h"
#include "iam/oauth/form.h"
#include "iam/store/client_store.h"
#include "iam/store/sso_store.h"

namespace iam::oauth {
namespace {

constexpr int kScanBatch = 500;
constexpr int kDeliverBatch = 50;

}  // namespace

BackchannelLogout::BackchannelLogout(store::Database& db, const Clock& clock, Random& random,
                                     token::TokenService& tokens, const net::HttpFetcher& fetcher,
                                     const audit::AuditLog& audit,
                                     BackchannelLogoutOptions options)
    : db_(db),
      clock_(clock),
      random_(random),
      tokens_(tokens),
      fetcher_(fetcher),
      audit_(audit),
      options_(std::move(options)),
      // A replica that starts looks back as far as a delivery may wait
      // before its first attempt: sessions ended while no replica ran.
      watermark_ms_(clock.NowMs() - absl::ToInt64Milliseconds(absl::Minutes(10))) {}

BackchannelLogout::~BackchannelLogout() { Stop(); }

void BackchannelLogout::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      absl::Status s = RunOnce();
      if (!s.ok() && !absl::IsUnavailable(s)) {
        log::Error("back-channel logout round failed", {{"status", s.ToString()}});
      }
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll), [this] { return stopping_; });
    }
  });
}

void BackchannelLogout::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

BackchannelLogout::Stats BackchannelLogout::stats() const {
  return Stats{delivered_.load(), retried_.load(), failed_.load()};
}

absl::Status BackchannelLogout::RunOnce() {
  const int64_t now = clock_.NowMs();
  RETURN_IF_ERROR(Scan(now));
  return DeliverDue(now);
}

absl::Status BackchannelLogout::Scan(int64_t now) {
  const int64_t from = watermark_ms_ - absl::ToInt64Milliseconds(options_.scan_overlap);
  std::vector<store::LogoutDeliveryRow> queue;
  size_t ended_count = 0;
  int64_t last_revoked = now;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    queue.clear();
    ASSIGN_OR_RETURN(auto ended, store::logout::EndedBetween(tx, from, now, kScanBatch));
    ended_count = ended.size();
    if (!ended.empty()) last_revoked = ended.back().revoked_at;
    for (const store::EndedSession& s : ended) {
      ASSIGN_OR_RETURN(auto clients, store::sso::ClientsOfSession(tx, s.id));
      for (const std::string& client_id : clients) {
        auto row = store::clients::Get(tx, s.account_id, client_id);
        if (absl::IsNotFound(row.status())) continue;  // deleted since
        RETURN_IF_ERROR(row.status());
        auto m = LoadClientMetadata(row->metadata);
        if (!m.ok() || m->backchannel_logout_uri.empty()) continue;
        store::LogoutDeliveryRow d;
        d.id = crypto::Hex(random_.Bytes(16));
        d.account_id = s.account_id;
        d.client_id = client_id;
        d.session_id = s.id;
        d.user_id = s.user_id;
        d.uri = m->backchannel_logout_uri;
        d.created_at = now;
        d.next_attempt_at = now;
        queue.push_back(std::move(d));
      }
    }
    return absl::OkStatus();
  }));
  for (const store::LogoutDeliveryRow& d : queue) {
    absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::logout::Enqueue(tx, d);
    });
    if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
  }
  // A full batch: the next round goes on from the last one seen.
  watermark_ms_ = ended_count == static_cast<size_t>(kScanBatch) ? last_revoked : now;
  return absl::OkStatus();
}

absl::Status BackchannelLogout::DeliverDue(int64_t now) {
  std::vector<store::LogoutDeliveryRow> due;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(due, store::logout::Due(tx, now, kDeliverBatch));
    return absl::OkStatus();
  }));
  const int64_t until = now + absl::ToInt64Milliseconds(options_.lease);
  for (const store::LogoutDeliveryRow& row : due) {
    int64_t taken = 0;
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(taken, store::logout::Lease(tx, row.id, now, until));
      return absl::OkStatus();
    }));
    if (taken == 1) RETURN_IF_ERROR(Deliver(row, now));  // else another replica has it
  }
  return absl::OkStatus();
}

absl::Status BackchannelLogout::Deliver(const store::LogoutDeliveryRow& row, int64_t now) {
  const int64_t iat = now / 1000;
  const nlohmann::json claims = {
      {"iss", tokens_.AccountIssuer(row.account_id)},
      {"aud", row.client_id},
      {"iat", iat},
      {"exp", iat + absl::ToInt64Seconds(options_.token_ttl)},
      {"jti", crypto::Base64Url(random_.Bytes(16))},
      {"sub", row.user_id},
      {"sid", row.session_id},
      {"events", {{kLogoutEvent, nlohmann::json::object()}}},
  };
  std::string error;
  auto token = tokens_.SignJson(claims, "logout+jwt");
  if (!token.ok()) {
    error = std::string(token.status().message());
  } else {
    net::FetchRequest request;
    request.method = "POST";
    request.url = row.uri;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = absl::StrCat("logout_token=", FormEncode(*token));
    auto answer = fetcher_.Fetch(request);
    if (!answer.ok()) {
      error = std::string(answer.status().message());
    } else if (answer->status < 200 || answer->status > 299) {
      error = absl::StrCat("the client answered ", answer->status);
    }
  }
  const int64_t attempts = row.attempts + 1;
  const int64_t done_at = clock_.NowMs();
  const bool retry = !error.empty() && attempts <= static_cast<int64_t>(options_.retry_after.size());
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    if (retry) {
      const int64_t next =
          done_at + absl::ToInt64Milliseconds(options_.retry_after[attempts - 1]);
      return store::logout::MarkRetry(tx, row.id, attempts, next, error);
    }
    if (error.empty()) {
      RETURN_IF_ERROR(store::logout::MarkDelivered(tx, row.id, attempts, done_at));
    } else {
      RETURN_IF_ERROR(store::logout::MarkFailed(tx, row.id, attempts, done_at, error));
    }
    audit::Event e = audit::Event::By("iamd", row.account_id, "oauth:BackchannelLogout",
                                      "client", row.client_id);
    e.result = error.empty() ? "success" : "failure";
    e.detail["session_id"] = row.session_id;
    e.detail["attempts"] = attempts;
    if (!error.empty()) e.detail["error"] = error;
    return audit_.Append(tx, e);
  }));
  (retry ? retried_ : error.empty() ? delivered_ : failed_).fetch_add(1);
  return absl::OkStatus();
}

}  // namespace iam::oauth
