// AdminService handlers of declarative accounts: the configuration
// exported as a document, and an account converged to one.
#include <nlohmann/json.hpp>

#include "iam/common/status_macros.h"
#include "iam/declarative/account_apply.h"
#include "iam/declarative/account_reader.h"
#include "iam/server/admin_service.h"
#include "iam/server/serve.h"
#include "policy/json_syntax.h"

namespace iam::server {
namespace {

// A whole account, policy documents included, fits many times over.
constexpr size_t kMaxDocumentBytes = 4 * 1024 * 1024;

}  // namespace

grpc::Status AdminServiceImpl::ExportAccountConfiguration(
    grpc::ServerContext* ctx, const v1::ExportAccountConfigurationRequest* req,
    v1::AccountConfiguration* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(c, req->account_id()));
    ASSIGN_OR_RETURN(declarative::AccountDocument doc,
                     declarative::ReadAccount(configuration_, c, account));
    out->set_account_id(account);
    out->set_document(declarative::ToJson(doc).dump());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ApplyAccountConfiguration(
    grpc::ServerContext* ctx, const v1::ApplyAccountConfigurationRequest* req,
    v1::ApplyAccountConfigurationResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    if (req->document().size() > kMaxDocumentBytes) {
      return absl::InvalidArgumentError("document: larger than 4 MiB");
    }
    ASSIGN_OR_RETURN(nlohmann::json json, policy::ParseJson(req->document(), "document"));
    ASSIGN_OR_RETURN(declarative::AccountDocument doc, declarative::ParseAccountDocument(json));
    ASSIGN_OR_RETURN(declarative::ApplyResult result,
                     declarative::ApplyAccount(configuration_, c, req->account_id(), doc,
                                               req->dry_run()));
    for (const auto& change : result.changes) {
      v1::PlannedChange* o = out->add_changes();
      o->set_op(change.op);
      o->set_kind(change.kind);
      o->set_name(change.name);
      for (const auto& d : change.details) o->add_details(d);
    }
    out->set_applied(result.applied);
    return absl::OkStatus();
  });
}

}  // namespace iam::server
