#include "iam/audit/audit_policy.h"

#include "iam/common/json_fields.h"

namespace iam::audit {

nlohmann::json AuditPolicy::ToJson() const {
  return {{"retention_days", retention_days},
          {"decision_log", decision_log},
          {"decision_sample_percent", decision_sample_percent}};
}

absl::StatusOr<AuditPolicy> AuditPolicy::FromJson(const nlohmann::json& j) {
  AuditPolicy p;
  JsonFields f(j, p.ToJson());
  f.Take("retention_days", &p.retention_days);
  f.Take("decision_log", &p.decision_log);
  f.Take("decision_sample_percent", &p.decision_sample_percent);
  if (absl::Status s = f.status(); !s.ok()) return s;
  if (p.retention_days < 1 || p.retention_days > 3650) {
    return absl::InvalidArgumentError("retention_days: must be 1..3650");
  }
  if (p.decision_log != "none" && p.decision_log != "denies" && p.decision_log != "sampled" &&
      p.decision_log != "all") {
    return absl::InvalidArgumentError("decision_log: must be none, denies, sampled or all");
  }
  if (p.decision_sample_percent < 1 || p.decision_sample_percent > 100) {
    return absl::InvalidArgumentError("decision_sample_percent: must be 1..100");
  }
  return p;
}

}  // namespace iam::audit
