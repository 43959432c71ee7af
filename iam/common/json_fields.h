// JsonFields: reads an account policy document in which every field must be
// present, typed as its default is, and no unknown field may appear. The
// first problem is kept and reported as INVALID_ARGUMENT naming the field.
//
// A policy declares its fields once, in order, with a static member
//
//   template <typename Self, typename Field>
//   static void Fields(Self& self, Field&& field) {
//     field("min_length", self.min_length);
//     ...
//   }
//
// and FieldsJson / ReadFields write and read its document from that one
// list (a member that declares Fields of its own is a nested object). The
// defaults are the struct's initializers; bounds are the policy's
// Validate().
#ifndef IAM_COMMON_JSON_FIELDS_H_
#define IAM_COMMON_JSON_FIELDS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

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
        status_ =
            absl::InvalidArgumentError(absl::StrCat(it.key().substr(0, 64), ": unknown field"));
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
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      ok = it->is_array();
      for (const auto& e : *it) ok = ok && e.is_string();
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

  // Records a problem found by the caller (a nested object's), unless one
  // was found already.
  void Fail(absl::Status s) {
    if (status_.ok()) status_ = std::move(s);
  }

  absl::Status status() const { return status_; }

 private:
  const nlohmann::json& j_;
  absl::Status status_;
};

namespace json_fields_internal {

template <typename T, typename = void>
struct HasFields : std::false_type {};
template <typename T>
struct HasFields<T, std::void_t<decltype(T::Fields(std::declval<T&>(), [](const char*, auto&) {}))>>
    : std::true_type {};

}  // namespace json_fields_internal

// The document of a policy (or of a nested object of one).
template <typename P>
nlohmann::json FieldsJson(const P& p) {
  nlohmann::json j = nlohmann::json::object();
  P::Fields(p, [&](const char* name, const auto& member) {
    using M = std::decay_t<decltype(member)>;
    if constexpr (json_fields_internal::HasFields<M>::value) {
      j[name] = FieldsJson(member);
    } else {
      j[name] = member;
    }
  });
  return j;
}

// Reads every field of `p` from `j` as JsonFields does; a problem in a
// nested object names its path ("web.max_sessions: wrong type").
template <typename P>
absl::Status ReadFields(const nlohmann::json& j, P* p) {
  JsonFields f(j, FieldsJson(*p));
  P::Fields(*p, [&](const char* name, auto& member) {
    using M = std::decay_t<decltype(member)>;
    if constexpr (json_fields_internal::HasFields<M>::value) {
      if (!f.status().ok()) return;
      auto it = j.find(name);
      if (it == j.end()) return f.Fail(absl::InvalidArgumentError(absl::StrCat(name, ": missing")));
      absl::Status s = ReadFields(*it, &member);
      if (!s.ok()) f.Fail(absl::InvalidArgumentError(absl::StrCat(name, ".", s.message())));
    } else {
      f.Take(name, &member);
    }
  });
  return f.status();
}

}  // namespace iam

#endif  // IAM_COMMON_JSON_FIELDS_H_
