// Where every command's answer is written: the error, JSON, CSV or a table.
#include <iostream>

#include "iam/cli/command.h"
#include "iam/cli/output.h"

namespace iam::cli {

int Render(Context& c, const grpc::Status& s, const google::protobuf::Message& m,
           const std::function<void()>& table, const std::function<void()>& csv) {
  if (!s.ok()) return Fail(c, s);
  if (c.json()) {
    PrintJson(m);
  } else if (c.options().output == "yaml") {
    PrintYaml(m);
  } else if (csv && c.options().output == "csv") {
    csv();
  } else {
    table();
  }
  return 0;
}

int Refuse(const absl::Status& status) {
  std::cerr << "iamctl: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kNotFound ? 1 : 2;
}

}  // namespace iam::cli
