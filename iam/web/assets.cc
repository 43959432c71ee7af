#include "iam/web/assets.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/text.h"

namespace iam::web {

absl::StatusOr<PageAssets> PageAssets::Load(const std::string& override_dir) {
  PageAssets a;
  a.files_ = EmbeddedFiles();
  if (override_dir.empty()) return a;
  // Only names the service knows are taken: a stray file in the directory
  // cannot become a page.
  for (auto& [name, bytes] : a.files_) {
    const std::filesystem::path p = std::filesystem::path(override_dir) / name;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) continue;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return absl::InvalidArgumentError(absl::StrCat("web.assets_dir: cannot read ", name));
    }
    if (!text::IsValidUtf8(contents.str())) {
      return absl::InvalidArgumentError(absl::StrCat("web.assets_dir: ", name, " is not UTF-8"));
    }
    bytes = contents.str();
  }
  return a;
}

const std::string* PageAssets::File(const std::string& relative_path) const {
  auto it = files_.find(relative_path);
  return it == files_.end() ? nullptr : &it->second;
}

std::vector<std::string> PageAssets::List(const std::string& prefix) const {
  std::vector<std::string> out;
  for (const auto& [name, bytes] : files_) {
    if (absl::StartsWith(name, prefix)) out.push_back(name);
  }
  return out;
}

}  // namespace iam::web
