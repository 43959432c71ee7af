#include "iam/audit/audit_policy.h"

#include "iam/common/json_fields.h"

namespace iam::audit {

nlohmann::json AuditPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<AuditPolicy> AuditPolicy::FromJson(const nlohmann::json& j) {
  AuditPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
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
