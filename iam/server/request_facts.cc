#include "iam/server/request_facts.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "iam/account/request_signing.h"
#include "iam/common/crypto.h"

namespace iam::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

absl::Mutex registry_mu;
absl::flat_hash_map<const grpc::ServerContextBase*, RequestFacts>& Registry() {
  static auto* registry = new absl::flat_hash_map<const grpc::ServerContextBase*, RequestFacts>();
  return *registry;
}

// Fields in number order, map entries sorted: what every protobuf runtime
// writes for a message without unknown fields.
std::string Canonical(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream raw(&out);
  google::protobuf::io::CodedOutputStream coded(&raw);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

class RequestFactsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RequestFactsInterceptor(grpc::experimental::ServerRpcInfo* info) : info_(info) {}
  ~RequestFactsInterceptor() override {
    if (!recorded_) return;
    absl::MutexLock lock(&registry_mu);
    Registry().erase(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* md = m->GetRecvInitialMetadata();
      auto it = md->find("authorization");
      signed_ = it != md->end() &&
                absl::StartsWith(absl::string_view(it->second.data(), it->second.size()),
                                 absl::StrCat(account::kSignedScheme, " "));
    }
    if (signed_ && m->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      const auto* message = static_cast<const google::protobuf::Message*>(m->GetRecvMessage());
      if (message != nullptr) {
        RequestFacts facts{info_->method(), crypto::Hex(crypto::Sha256(Canonical(*message)))};
        absl::MutexLock lock(&registry_mu);
        Registry()[info_->server_context()] = std::move(facts);
        recorded_ = true;
      }
    }
    m->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  bool signed_ = false;
  bool recorded_ = false;
};

}  // namespace

std::optional<RequestFacts> FactsOf(const grpc::ServerContextBase* ctx) {
  absl::MutexLock lock(&registry_mu);
  auto it = Registry().find(ctx);
  if (it == Registry().end()) return std::nullopt;
  return it->second;
}

grpc::experimental::Interceptor* RequestFactsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RequestFactsInterceptor(info);
}

}  // namespace iam::server
