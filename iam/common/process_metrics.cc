#include "iam/common/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/common/counter_family.h"

// Set by the build for this file alone (a new commit recompiles nothing else).
#ifndef IAM_VERSION
#define IAM_VERSION "unknown"
#endif
#ifndef IAM_COMMIT
#define IAM_COMMIT "unknown"
#endif

namespace iam {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

}  // namespace

void AppendProcessMetrics(std::string* out) {
  // /proc/self/stat: the command may hold spaces and parentheses, so the
  // fields are counted from the last ')'.
  const std::string stat = ReadFile("/proc/self/stat");
  const size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::vector<absl::string_view> f = absl::StrSplit(
        absl::string_view(stat).substr(close + 2), ' ', absl::SkipEmpty());
    // After the command: state(0) ... utime(11) stime(12) ... num_threads(17)
    // ... starttime(19) vsize(20) rss(21), in clock ticks and pages.
    double utime = 0, stime = 0, threads = 0, start = 0, vsize = 0, rss = 0;
    if (f.size() > 21 && absl::SimpleAtod(f[11], &utime) && absl::SimpleAtod(f[12], &stime) &&
        absl::SimpleAtod(f[17], &threads) && absl::SimpleAtod(f[19], &start) &&
        absl::SimpleAtod(f[20], &vsize) && absl::SimpleAtod(f[21], &rss)) {
      const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
      // The boot time, to turn the start (ticks since boot) into Unix time.
      double boot = 0;
      for (absl::string_view line : absl::StrSplit(ReadFile("/proc/stat"), '\n')) {
        if (absl::ConsumePrefix(&line, "btime ")) absl::SimpleAtod(line, &boot);
      }
      AppendSample(out, "process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
            "counter", (utime + stime) / ticks);
      AppendSample(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
            rss * page);
      AppendSample(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", vsize);
      AppendSample(out, "process_threads", "Threads in the process.", "gauge", threads);
      if (boot > 0) {
        AppendSample(out, "process_start_time_seconds",
              "Start time of the process since the Unix epoch, in seconds.", "gauge",
              boot + start / ticks);
      }
    }
  }
  const int fds = CountOpenFds();
  if (fds >= 0) AppendSample(out, "process_open_fds", "Open file descriptors.", "gauge", fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    AppendSample(out, "process_max_fds", "The most file descriptors the process may open.", "gauge",
          static_cast<double>(limit.rlim_cur));
  }
}

void AppendBuildInfo(std::string* out) {
  absl::StrAppend(out,
                  "# HELP iam_build_info The version and commit iamd was built from; always 1.\n"
                  "# TYPE iam_build_info gauge\n"
                  "iam_build_info{version=\"", IAM_VERSION, "\",commit=\"", IAM_COMMIT, "\"} 1\n");
}

std::string BuildVersion() { return absl::StrCat(IAM_VERSION, " (commit ", IAM_COMMIT, ")"); }

}  // namespace iam
