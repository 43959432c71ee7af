// ArenaAllocator: request and response of a callback-API unary method on a
// protobuf Arena, freed in one step when the call ends. A BatchCheck of 100
// items holds hundreds of strings; freeing them one by one cost more than
// deciding them.
#ifndef IAM_SERVER_ARENA_ALLOCATOR_H_
#define IAM_SERVER_ARENA_ALLOCATOR_H_

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace iam::server {

template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions o;
      o.start_block_size = 4096;
      o.max_block_size = 256 * 1024;
      return o;
    }
    google::protobuf::Arena arena_;
  };
};

}  // namespace iam::server

#endif  // IAM_SERVER_ARENA_ALLOCATOR_H_
