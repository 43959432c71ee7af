// Conversions between domain rows/views and the iam.v1 messages. Pure
// functions; the only place that knows both shapes.
#ifndef IAM_SERVER_PROTO_CONVERT_H_
#define IAM_SERVER_PROTO_CONVERT_H_

#include "iam/account/access_key_service.h"
#include "iam/account/user_service.h"
#include "iam/store/records.h"
#include "iam/v1/resources.pb.h"

namespace iam::server {

// Unix milliseconds as a Timestamp.
google::protobuf::Timestamp TimestampOf(int64_t ms);

void ToProto(const store::AccountRow& row, int64_t purge_time_ms, v1::Account* out);
void ToProto(const account::UserView& view, v1::User* out);
void ToProto(const store::GroupRow& row, v1::Group* out);
void ToProto(const account::AccessKeyView& view, v1::AccessKey* out);

}  // namespace iam::server

#endif  // IAM_SERVER_PROTO_CONVERT_H_
