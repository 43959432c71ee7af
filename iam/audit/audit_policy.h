// AuditPolicy: an account's rules for its audit log, stored as JSON (kind
// "audit"); an update states every field.
//
//   retention_days           records older than this are purged, behind a
//                            checkpoint (1..3650; default 180)
//   decision_log             which authorization decisions are recorded:
//                            "none", "denies", "sampled" or "all"
//   decision_sample_percent  with "sampled": the share kept (1..100)
#ifndef IAM_AUDIT_AUDIT_POLICY_H_
#define IAM_AUDIT_AUDIT_POLICY_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace iam::audit {

struct AuditPolicy {
  int retention_days = 180;
  std::string decision_log = "none";
  int decision_sample_percent = 1;

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("retention_days", self.retention_days);
    field("decision_log", self.decision_log);
    field("decision_sample_percent", self.decision_sample_percent);
  }

  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT naming the field.
  static absl::StatusOr<AuditPolicy> FromJson(const nlohmann::json& j);
};

}  // namespace iam::audit

#endif  // IAM_AUDIT_AUDIT_POLICY_H_
