#!/usr/bin/env bash
# policy/ is a pure library: no gRPC, no database client, nothing of iam/.
set -euo pipefail
root=$1
bad=$(grep -rnE '#include\s*[<"](grpc|grpcpp|sqlite3|mysql|cppconn|iam/|spdlog|httplib)' \
  "$root/policy" || true)
if [ -n "$bad" ]; then
  echo "forbidden includes in policy/:"
  echo "$bad"
  echo "0 passed, 1 failed"
  exit 1
fi
# Nor any I/O, clock or randomness in the library proper (the CLI reads stdin).
io=$(grep -rnE '(std::cin|std::cout|fopen|std::ifstream|absl::Now|std::rand|random_device)' \
  "$root/policy" --include='*.cc' --include='*.h' | grep -v '^'"$root"'/policy/cli/' || true)
if [ -n "$io" ]; then
  echo "I/O, clock or randomness in policy/:"
  echo "$io"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "1 passed, 0 failed"
