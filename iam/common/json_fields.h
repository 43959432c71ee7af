// JsonFields: reads an account policy document in which every field must be
// present, typed as its default is, and no unknown field may appear. The
// first problem is kept and reported as INVALID_ARGUMENT naming the field.
#ifndef IAM_COMMON_JSON_FIELDS_H_
#define IAM_COMMON_JSON_FIELDS_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace iam {

class JsonFields {
 public:
  // `shape` is the policy's defaults as JSON: it names the known fields.
  JsonFields(const nlohmann::json& j, const nlohmann::json& shape) : j_(j) {
    if (!j.is_object()) {
      status_ = absl::InvalidArgumentError("policy: must be a JSON object");
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!shape.contains(it.key())) {
        status_ = absl::InvalidArgumentError(absl::StrCat(it.key().substr(0, 64), ": unknown field"));
        return;
      }
    }
  }

  template <typename T>
  void Take(const char* key, T* out) {
    if (!status_.ok()) return;
    auto it = j_.find(key);
    if (it == j_.end()) {
      status_ = absl::InvalidArgumentError(absl::StrCat(key, ": missing (state every field)"));
      return;
    }
    bool ok;
    if constexpr (std::is_same_v<T, bool>) {
      ok = it->is_boolean();
    } else if constexpr (std::is_same_v<T, std::string>) {
      ok = it->is_string();
    } else {
      ok = it->is_number_integer() && it->template get<int64_t>() >= INT32_MIN &&
           it->template get<int64_t>() <= INT32_MAX;
    }
    if (!ok) {
      status_ = absl::InvalidArgumentError(absl::StrCat(key, ": wrong type"));
      return;
    }
    *out = it->template get<T>();
  }

  absl::Status status() const { return status_; }

 private:
  const nlohmann::json& j_;
  absl::Status status_;
};

}  // namespace iam

#endif  // IAM_COMMON_JSON_FIELDS_H_
