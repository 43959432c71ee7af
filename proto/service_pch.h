// The headers every file of the gRPC layer parses (the server, iamctl):
// gRPC and the generated services. Precompiled once per target that lists
// it, they are most of those files' compile time.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/audit_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/authz_admin.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"
