// AdminService.ValidatePolicy, and the findings every policy write answers.
#include "iam/server/policy_findings.h"

#include <nlohmann/json.hpp>

#include "iam/common/status_macros.h"
#include "iam/server/admin_service.h"
#include "iam/server/serve.h"
#include "policy/lint.h"

namespace iam::server {

void AddFindings(absl::string_view document, policy::PolicyKind kind,
                 google::protobuf::RepeatedPtrField<v1::PolicyFinding>* out) {
  auto json = nlohmann::json::parse(document, nullptr, false);
  if (json.is_discarded()) return;
  for (const policy::Finding& f : policy::LintPolicy(json, kind)) {
    v1::PolicyFinding* o = out->Add();
    o->set_code(f.code);
    o->set_severity(policy::SeverityName(f.severity));
    o->set_path(f.path);
    o->set_message(f.message);
  }
}

grpc::Status AdminServiceImpl::ValidatePolicy(grpc::ServerContext* ctx,
                                              const v1::ValidatePolicyRequest* req,
                                              v1::ValidatePolicyResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::Operation op("iam:ValidatePolicy", req->account_id());
    policy::ParseOptions options;
    if (req->kind() == "resource") {
      options.kind = policy::PolicyKind::kResource;
    } else if (!req->kind().empty() && req->kind() != "identity") {
      op.Check(absl::InvalidArgumentError("kind: must be \"identity\" or \"resource\""));
    }
    if (req->document().size() > policy::kStoredPolicyLimit) {
      op.Check(absl::InvalidArgumentError("document: larger than 1 MiB"));
    }
    RETURN_IF_ERROR(mutations_.Admit(c, op).status());
    auto parsed = policy::ParsePolicy(req->document(), options);
    out->set_valid(parsed.ok());
    if (!parsed.ok()) {
      out->set_error(std::string(parsed.status().message()));
      return absl::OkStatus();
    }
    AddFindings(req->document(), options.kind, out->mutable_findings());
    return absl::OkStatus();
  });
}

}  // namespace iam::server
