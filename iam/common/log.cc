#include "iam/common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace iam::log {
namespace {

std::atomic<bool> g_json{true};

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("iam");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}

void Write(spdlog::level::level_enum level, absl::string_view msg,
           std::initializer_list<Field> fields) {
  auto logger = Logger();
  if (!logger->should_log(level)) return;
  if (g_json.load(std::memory_order_relaxed)) {
    nlohmann::json j;
    j["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
    j["level"] = spdlog::level::to_string_view(level).data();
    j["msg"] = std::string(msg);
    for (const auto& [k, v] : fields) j[std::string(k)] = v;
    logger->log(level, "{}", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    std::string line(msg);
    for (const auto& [k, v] : fields) absl::StrAppend(&line, " ", k, "=", v);
    logger->log(level, "{} {:<5} {}",
                absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                spdlog::level::to_string_view(level), line);
  }
}

}  // namespace

void Init(absl::string_view level, absl::string_view format) {
  g_json = format != "text";
  Logger()->set_level(spdlog::level::from_str(std::string(level)));
}

void Debug(absl::string_view m, std::initializer_list<Field> f) { Write(spdlog::level::debug, m, f); }
void Info(absl::string_view m, std::initializer_list<Field> f) { Write(spdlog::level::info, m, f); }
void Warn(absl::string_view m, std::initializer_list<Field> f) { Write(spdlog::level::warn, m, f); }
void Error(absl::string_view m, std::initializer_list<Field> f) { Write(spdlog::level::err, m, f); }

}  // namespace iam::log
