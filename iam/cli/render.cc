#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {

int Render(Context& c, const grpc::Status& s, const google::protobuf::Message& m,
           const std::function<void()>& table) {
  if (!s.ok()) return Fail(s);
  if (c.json()) {
    PrintJson(m);
  } else {
    table();
  }
  return 0;
}

}  // namespace iam::cli
