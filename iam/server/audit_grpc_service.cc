#include "iam/server/audit_grpc_service.h"

#include <google/protobuf/util/time_util.h>

#include "iam/server/serve.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;

account::AuditQuery FromProto(const v1::AuditFilter& f) {
  account::AuditQuery q;
  if (f.has_start_time()) q.from_ms = TimeUtil::TimestampToMilliseconds(f.start_time());
  if (f.has_end_time()) q.to_ms = TimeUtil::TimestampToMilliseconds(f.end_time());
  q.actor = f.actor();
  q.action = f.action();
  q.object_type = f.object_type();
  q.object_id = f.object_id();
  q.result = f.result();
  q.source_ip = f.source_ip();
  return q;
}

void ToProto(const store::AuditRow& r, v1::AuditRecord* out) {
  out->set_account_id(r.account_id);
  out->set_seq(r.seq);
  *out->mutable_time() = TimeUtil::MillisecondsToTimestamp(r.at);
  out->set_actor(r.actor);
  out->set_action(r.action);
  out->set_object_type(r.object_type);
  out->set_object_id(r.object_id);
  out->set_source_ip(r.source_ip);
  out->set_user_agent(r.user_agent);
  out->set_result(r.result);
  out->set_detail_json(r.detail);
  out->set_prev_hash(r.prev_hash);
  out->set_hash(r.hash);
}

}  // namespace

grpc::Status AuditServiceImpl::QueryAudit(grpc::ServerContext* ctx,
                                          const v1::QueryAuditRequest* req,
                                          v1::QueryAuditResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    auto page = audit_.Query(c, req->account_id(), FromProto(req->filter()), req->page_size(),
                             req->page_token());
    if (!page.ok()) return page.status();
    for (const auto& r : page->items) ToProto(r, out->add_records());
    out->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::ExportAudit(grpc::ServerContext* ctx,
                                           const v1::ExportAuditRequest* req,
                                           grpc::ServerWriter<v1::AuditRecord>* writer) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    v1::AuditRecord record;
    // Write blocks while the reader's flow-control window is full, so a
    // slow reader slows the export instead of growing a buffer.
    auto sent = audit_.Export(c, req->account_id(), FromProto(req->filter()),
                              [&](const store::AuditRow& r) {
                                if (ctx->IsCancelled()) return false;
                                ToProto(r, &record);
                                return writer->Write(record);
                              });
    return sent.status();
  });
}

grpc::Status AuditServiceImpl::VerifyAudit(grpc::ServerContext* ctx,
                                           const v1::VerifyAuditRequest* req,
                                           v1::VerifyAuditResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    auto v = audit_.Verify(c, req->account_id());
    if (!v.ok()) return v.status();
    out->set_intact(v->first_bad_seq == 0);
    out->set_records(v->records);
    out->set_first_bad_seq(v->first_bad_seq);
    out->set_problem(v->problem);
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::ListMyLogins(grpc::ServerContext* ctx,
                                            const v1::ListMyLoginsRequest* req,
                                            v1::ListMyLoginsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    auto rows = audit_.OwnLogins(c, req->limit());
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) ToProto(r, out->add_logins());
    return absl::OkStatus();
  });
}

}  // namespace iam::server
