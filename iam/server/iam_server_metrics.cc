// IamServer's /metrics page: what each part of the running service
// counts, in the Prometheus text exposition format.
#include "iam/server/iam_server.h"

#include "absl/strings/str_cat.h"
#include "iam/common/process_metrics.h"
#include "iam/common/status_macros.h"
#include "iam/store/logout_store.h"

namespace iam::server {
namespace {

void AppendStoreMetrics(const store::StoreStats& s, std::string* out) {
  absl::StrAppend(
      out,
      "# HELP iam_store_transactions_total Store transactions by result: committed, or ended "
      "with an error (a refusal of the request's own included).\n"
      "# TYPE iam_store_transactions_total counter\n"
      "iam_store_transactions_total{result=\"committed\"} ", s.committed, "\n",
      "iam_store_transactions_total{result=\"failed\"} ", s.failed, "\n",
      "# HELP iam_store_retries_total Transactions run again after a conflict, a busy database "
      "or a connection lost before commit.\n"
      "# TYPE iam_store_retries_total counter\n"
      "iam_store_retries_total ", s.retries, "\n",
      "# HELP iam_store_errors_total Errors the database reported: conflicts, busy, lost "
      "connections, hosts that refused or could not be reached.\n"
      "# TYPE iam_store_errors_total counter\n"
      "iam_store_errors_total ", s.db_errors, "\n",
      "# HELP iam_store_pool_connections Store connections open, by state.\n"
      "# TYPE iam_store_pool_connections gauge\n"
      "iam_store_pool_connections{state=\"in_use\"} ", s.pool_in_use, "\n",
      "iam_store_pool_connections{state=\"idle\"} ", s.pool_open - s.pool_in_use, "\n",
      "# HELP iam_store_pool_max_connections The most store connections that may be open.\n"
      "# TYPE iam_store_pool_max_connections gauge\n"
      "iam_store_pool_max_connections ", s.pool_size, "\n",
      "# HELP iam_store_pool_waits_total Transactions that waited for a free connection.\n"
      "# TYPE iam_store_pool_waits_total counter\n"
      "iam_store_pool_waits_total ", s.pool_waits, "\n");
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
    absl::StrAppend(&out,
                    "# HELP iam_decision_log_recorded_total Decisions written to audit logs.\n"
                    "# TYPE iam_decision_log_recorded_total counter\n"
                    "iam_decision_log_recorded_total ", d.recorded, "\n",
                    "# HELP iam_decision_log_dropped_total Decisions not recorded: the queue was "
                    "full or the store refused.\n"
                    "# TYPE iam_decision_log_dropped_total counter\n"
                    "iam_decision_log_dropped_total ", d.dropped, "\n",
                    "# HELP iam_decision_log_queued Decisions waiting to be written.\n"
                    "# TYPE iam_decision_log_queued gauge\n"
                    "iam_decision_log_queued ", d.queued, "\n");
  }
  if (http_) {
    const HttpServerStats h = http_->stats();
    absl::StrAppend(&out,
                    "# HELP iam_http_requests_total HTTP requests read whole.\n"
                    "# TYPE iam_http_requests_total counter\n"
                    "iam_http_requests_total ", h.requests, "\n",
                    "# HELP iam_http_rejected_total HTTP requests answered before a handler ran: "
                    "busy (503, the handler queue was full) or limit (400, 413, 431, timeouts, "
                    "connections over the limit).\n"
                    "# TYPE iam_http_rejected_total counter\n"
                    "iam_http_rejected_total{reason=\"busy\"} ", h.rejected_busy, "\n",
                    "iam_http_rejected_total{reason=\"limit\"} ", h.rejected_limit, "\n",
                    "# HELP iam_http_open_connections HTTP connections open now.\n"
                    "# TYPE iam_http_open_connections gauge\n"
                    "iam_http_open_connections ", h.open_connections, "\n");
    http_->AppendRouteMetrics(&out);
  }
  if (logouts_) {
    const oauth::BackchannelLogout::Stats b = logouts_->stats();
    absl::StrAppend(&out,
                    "# HELP iam_backchannel_logout_total Back-channel logout deliveries by "
                    "outcome: delivered, retried (an attempt failed, another will come), "
                    "failed (given up).\n"
                    "# TYPE iam_backchannel_logout_total counter\n"
                    "iam_backchannel_logout_total{outcome=\"delivered\"} ", b.delivered, "\n",
                    "iam_backchannel_logout_total{outcome=\"retried\"} ", b.retried, "\n",
                    "iam_backchannel_logout_total{outcome=\"failed\"} ", b.failed, "\n");
    // What waits or was given up, on every replica: from the store.
    store::logout::Counts counts;
    absl::Status read = db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(counts, store::logout::Count(tx));
      return absl::OkStatus();
    });
    if (read.ok()) {
      absl::StrAppend(&out,
                      "# HELP iam_backchannel_logout_pending Deliveries not yet made.\n"
                      "# TYPE iam_backchannel_logout_pending gauge\n"
                      "iam_backchannel_logout_pending ", counts.pending, "\n",
                      "# HELP iam_backchannel_logout_given_up Deliveries given up (kept a week).\n"
                      "# TYPE iam_backchannel_logout_given_up gauge\n"
                      "iam_backchannel_logout_given_up ", counts.failed, "\n");
    }
  }
  if (client_key_sets_) {
    const oauth::RemoteKeySets::Stats k = client_key_sets_->stats();
    absl::StrAppend(&out,
                    "# HELP iam_client_jwks_fetches_total Fetches of clients' jwks_uri key sets.\n"
                    "# TYPE iam_client_jwks_fetches_total counter\n"
                    "iam_client_jwks_fetches_total ", k.fetches, "\n",
                    "# HELP iam_client_jwks_fetch_failures_total Those fetches that failed "
                    "(unreachable, refused destination, bad answer).\n"
                    "# TYPE iam_client_jwks_fetch_failures_total counter\n"
                    "iam_client_jwks_fetch_failures_total ", k.failures, "\n");
  }
  if (outage_) {
    absl::StrAppend(&out,
                    "# HELP iam_store_reachable 1 while the store answers, 0 during an outage.\n"
                    "# TYPE iam_store_reachable gauge\n"
                    "iam_store_reachable ", outage_->reachable() ? 1 : 0, "\n",
                    "# HELP iam_store_outages_total Outages of the store seen by this replica.\n"
                    "# TYPE iam_store_outages_total counter\n"
                    "iam_store_outages_total ", outage_->outages(), "\n",
                    "# HELP iam_stale_answers_total Credentials and session states answered "
                    "from the last state read while the store was unreachable.\n"
                    "# TYPE iam_stale_answers_total counter\n"
                    "iam_stale_answers_total ", outage_->stale_answers(), "\n");
  }
  if (hasher_) {
    const WorkerPoolStats h = hasher_->stats();
    absl::StrAppend(&out,
                    "# HELP iam_password_hashes_total Argon2id hashes and verifications run.\n"
                    "# TYPE iam_password_hashes_total counter\n"
                    "iam_password_hashes_total ", h.completed, "\n",
                    "# HELP iam_password_hash_refused_total Password work refused: the hash "
                    "queue was full.\n"
                    "# TYPE iam_password_hash_refused_total counter\n"
                    "iam_password_hash_refused_total ", h.refused, "\n",
                    "# HELP iam_password_hash_queued Password work waiting for a hash worker.\n"
                    "# TYPE iam_password_hash_queued gauge\n"
                    "iam_password_hash_queued ", h.queued, "\n",
                    "# HELP iam_password_hash_seconds Time an Argon2id hash or verification "
                    "ran on a hash worker (its wait for a worker not included).\n"
                    "# TYPE iam_password_hash_seconds histogram\n");
    hasher_->run_times().AppendTo(&out, "iam_password_hash_seconds", "");
  }
  return out;
}

}  // namespace iam::server
