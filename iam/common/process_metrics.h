// The process's own Prometheus metrics, under the names every Prometheus
// client library uses (process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds...), read from /proc/self at each scrape, and
// iam_build_info: the version and commit this binary was built from.
// Thread-safe (reads only).
#ifndef IAM_COMMON_PROCESS_METRICS_H_
#define IAM_COMMON_PROCESS_METRICS_H_

#include <string>

namespace iam {

// What is unreadable (no /proc) is left out.
void AppendProcessMetrics(std::string* out);

void AppendBuildInfo(std::string* out);

// "0.1.0 (commit 1a2b3c4)", for --version.
std::string BuildVersion();

}  // namespace iam

#endif  // IAM_COMMON_PROCESS_METRICS_H_
