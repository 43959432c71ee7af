// What iamctl says after a failed call, for each cause on the caller's side.
#include "iam/cli/advice.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "iam/cli/context.h"

namespace iam::cli {
namespace {

class AdviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/advice";
    std::filesystem::create_directories(dir_);
    path_ = dir_ + "/config";
    std::ofstream(path_) << "[acme]\naddress = 127.0.0.1:50051\naccess_key = AKIA1.secret\n"
                            "[ops]\naddress = 127.0.0.1:50051\n";
    setenv("IAMCTL_CONFIG", path_.c_str(), 1);
    unsetenv("IAMCTL_ACCESS_KEY");
    unsetenv("IAMCTL_ADDRESS");
  }

  std::string AdviceFor(const std::string& profile, grpc::Status status) {
    Options o;
    o.profile = profile;
    Context c(o);
    EXPECT_TRUE(c.Init().ok());
    return Advice(c, status);
  }

  std::string dir_, path_;
};

const grpc::Status kNoMetadata(grpc::StatusCode::UNAUTHENTICATED,
                               "missing authorization metadata");

TEST_F(AdviceTest, NoCredentialNamesWhatWasTriedAndTheProfilesThatExist) {
  const std::string a = AdviceFor("acmee", kNoMetadata);
  EXPECT_TRUE(absl::StrContains(a, "IAMCTL_ACCESS_KEY is not set")) << a;
  EXPECT_TRUE(absl::StrContains(a, "profile \"acmee\" is not in " + path_)) << a;
  EXPECT_TRUE(absl::StrContains(a, "(profiles there: acme, ops)")) << a;
}

TEST_F(AdviceTest, AProfileWithoutCredentialIsCalledLoggedOut) {
  const std::string a = AdviceFor("ops", kNoMetadata);
  EXPECT_TRUE(absl::StrContains(a, "profile \"ops\" has no access key and no login session")) << a;
}

TEST_F(AdviceTest, ARefusedCredentialNamesItsSource) {
  const std::string a = AdviceFor("acme", kNoMetadata);
  EXPECT_TRUE(absl::StrContains(a, "the credential came from the access key of profile \"acme\""))
      << a;
}

TEST_F(AdviceTest, TheHttpPortAndNothingListeningAreToldApart) {
  const std::string http = AdviceFor(
      "acme", grpc::Status(grpc::StatusCode::UNAVAILABLE, "Trying to connect an http1.x server"));
  EXPECT_TRUE(absl::StrContains(http, "answers HTTP/1.x, not gRPC")) << http;
  const std::string none = AdviceFor(
      "acme", grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"));
  EXPECT_TRUE(absl::StrContains(none, "is iamd running there?")) << none;
  EXPECT_TRUE(absl::StrContains(none, "(from profile \"acme\")")) << none;
  EXPECT_EQ(AdviceFor("acme", grpc::Status(grpc::StatusCode::NOT_FOUND, "x")), "");
}

TEST(CheckAddressTest, HostPortOnly) {
  EXPECT_TRUE(CheckAddress("127.0.0.1:50051", "--address").ok());
  EXPECT_TRUE(CheckAddress("[::1]:50051", "--address").ok());
  EXPECT_TRUE(CheckAddress("iam.example.com:443", "--address").ok());
  EXPECT_TRUE(CheckAddress("dns:///iam.example.com:443", "--address").ok());
  for (const char* bad : {"http://127.0.0.1:50051", "127.0.0.1", "127.0.0.1:", "host:0",
                          "host:70000", "host:50051/path", ":50051"}) {
    absl::Status s = CheckAddress(bad, "IAMCTL_ADDRESS");
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_TRUE(absl::StrContains(s.message(), "(from IAMCTL_ADDRESS)")) << s.message();
  }
}

}  // namespace
}  // namespace iam::cli
