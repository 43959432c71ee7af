// IamServer's /metrics page: what each part of the running service
// counts, in the Prometheus text exposition format.
#include "iam/server/iam_server.h"

#include "absl/strings/str_cat.h"
#include "iam/common/counter_family.h"
#include "iam/common/process_metrics.h"
#include "iam/common/status_macros.h"
#include "iam/store/logout_store.h"

namespace iam::server {
namespace {

// `name{label="value"} n` for each (value, n).
void AppendLabeled(std::string* out, absl::string_view name, absl::string_view label,
                   std::initializer_list<std::pair<absl::string_view, double>> samples) {
  for (const auto& [value, n] : samples) {
    absl::StrAppend(out, name, "{", label, "=\"", value, "\"} ", MetricValue(n), "\n");
  }
}

void AppendStoreMetrics(const store::StoreStats& s, std::string* out) {
  AppendFamily(out, "iam_store_transactions_total",
               "Store transactions by result: committed, or ended with an error (a refusal of "
               "the request's own included).",
               "counter");
  AppendLabeled(out, "iam_store_transactions_total", "result",
                {{"committed", s.committed}, {"failed", s.failed}});
  AppendSample(out, "iam_store_retries_total",
               "Transactions run again after a conflict, a busy database or a connection lost "
               "before commit.",
               "counter", s.retries);
  AppendSample(out, "iam_store_errors_total",
               "Errors the database reported: conflicts, busy, lost connections, hosts that "
               "refused or could not be reached.",
               "counter", s.db_errors);
  AppendFamily(out, "iam_store_pool_connections", "Store connections open, by state.", "gauge");
  AppendLabeled(out, "iam_store_pool_connections", "state",
                {{"in_use", s.pool_in_use}, {"idle", s.pool_open - s.pool_in_use}});
  AppendSample(out, "iam_store_pool_max_connections",
               "The most store connections that may be open.", "gauge", s.pool_size);
  AppendSample(out, "iam_store_pool_waits_total",
               "Transactions that waited for a free connection.", "counter", s.pool_waits);
}

}  // namespace

std::string IamServer::Metrics() const {
  std::string out;
  AppendBuildInfo(&out);
  AppendProcessMetrics(&out);
  metrics_.AppendTo(&out);
  AppendStoreMetrics(db_->stats(), &out);
  if (decisions_) {
    const audit::DecisionLogStats d = decisions_->stats();
    AppendSample(&out, "iam_decision_log_recorded_total", "Decisions written to audit logs.",
                 "counter", d.recorded);
    AppendSample(&out, "iam_decision_log_dropped_total",
                 "Decisions not recorded: the queue was full or the store refused.", "counter",
                 d.dropped);
    AppendSample(&out, "iam_decision_log_queued", "Decisions waiting to be written.", "gauge",
                 d.queued);
  }
  if (access_) {
    const authz::AccessActivityStats a = access_->stats();
    AppendSample(&out, "iam_access_activity_recorded_total",
                 "Allowed decisions recorded as last-used data.", "counter", a.recorded);
    AppendSample(&out, "iam_access_activity_flushed_total",
                 "Last-used rows merged into the store.", "counter", a.flushed);
    AppendSample(&out, "iam_access_activity_dropped_total",
                 "Allowed decisions not recorded: the in-memory table was full.", "counter",
                 a.dropped);
    AppendSample(&out, "iam_access_activity_failed_flushes_total",
                 "Merges the store refused (their rows are kept for the next).", "counter",
                 a.failed_flushes);
    AppendSample(&out, "iam_access_activity_pending", "Last-used rows waiting to be merged.",
                 "gauge", a.pending);
  }
  if (http_) {
    const HttpServerStats h = http_->stats();
    AppendSample(&out, "iam_http_requests_total", "HTTP requests read whole.", "counter",
                 h.requests);
    AppendFamily(&out, "iam_http_rejected_total",
                 "HTTP requests answered before a handler ran: busy (503, the handler queue was "
                 "full) or limit (400, 413, 431, timeouts, connections over the limit).",
                 "counter");
    AppendLabeled(&out, "iam_http_rejected_total", "reason",
                  {{"busy", h.rejected_busy}, {"limit", h.rejected_limit}});
    AppendSample(&out, "iam_http_open_connections", "HTTP connections open now.", "gauge",
                 h.open_connections);
    http_->AppendRouteMetrics(&out);
  }
  if (logouts_) {
    const oauth::BackchannelLogout::Stats b = logouts_->stats();
    AppendFamily(&out, "iam_backchannel_logout_total",
                 "Back-channel logout deliveries by outcome: delivered, retried (an attempt "
                 "failed, another will come), failed (given up).",
                 "counter");
    AppendLabeled(&out, "iam_backchannel_logout_total", "outcome",
                  {{"delivered", b.delivered}, {"retried", b.retried}, {"failed", b.failed}});
    // What waits or was given up, on every replica: from the store.
    store::logout::Counts counts;
    absl::Status read = db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(counts, store::logout::Count(tx));
      return absl::OkStatus();
    });
    if (read.ok()) {
      AppendSample(&out, "iam_backchannel_logout_pending", "Deliveries not yet made.", "gauge",
                   counts.pending);
      AppendSample(&out, "iam_backchannel_logout_given_up", "Deliveries given up (kept a week).",
                   "gauge", counts.failed);
    }
  }
  if (client_key_sets_) {
    const oauth::RemoteKeySets::Stats k = client_key_sets_->stats();
    AppendSample(&out, "iam_client_jwks_fetches_total", "Fetches of clients' jwks_uri key sets.",
                 "counter", k.fetches);
    AppendSample(&out, "iam_client_jwks_fetch_failures_total",
                 "Those fetches that failed (unreachable, refused destination, bad answer).",
                 "counter", k.failures);
  }
  if (outage_) {
    AppendSample(&out, "iam_store_reachable", "1 while the store answers, 0 during an outage.",
                 "gauge", outage_->reachable() ? 1 : 0);
    AppendSample(&out, "iam_store_outages_total", "Outages of the store seen by this replica.",
                 "counter", outage_->outages());
    AppendSample(&out, "iam_stale_answers_total",
                 "Credentials and session states answered from the last state read while the "
                 "store was unreachable.",
                 "counter", outage_->stale_answers());
  }
  if (hasher_) {
    const WorkerPoolStats h = hasher_->stats();
    AppendSample(&out, "iam_password_hashes_total", "Argon2id hashes and verifications run.",
                 "counter", h.completed);
    AppendSample(&out, "iam_password_hash_refused_total",
                 "Password work refused: the hash queue was full.", "counter", h.refused);
    AppendSample(&out, "iam_password_hash_queued", "Password work waiting for a hash worker.",
                 "gauge", h.queued);
    AppendFamily(&out, "iam_password_hash_seconds",
                 "Time an Argon2id hash or verification ran on a hash worker (its wait for a "
                 "worker not included).",
                 "histogram");
    hasher_->run_times().AppendTo(&out, "iam_password_hash_seconds", "");
  }
  return out;
}

}  // namespace iam::server
