#include "iam/common/cidr.h"

#include <gtest/gtest.h>

namespace iam {
namespace {

bool In(const char* cidr, const char* ip) {
  return Cidr::Parse(cidr)->Contains(*IpAddress::Parse(ip));
}

TEST(CidrTest, MatchesIpv4AndIpv6) {
  EXPECT_TRUE(In("10.0.0.0/8", "10.200.3.4"));
  EXPECT_FALSE(In("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(In("192.168.1.128/25", "192.168.1.200"));
  EXPECT_FALSE(In("192.168.1.128/25", "192.168.1.127"));
  EXPECT_TRUE(In("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(In("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(In("0.0.0.0/0", "8.8.8.8"));
  EXPECT_TRUE(In("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(In("10.0.0.0/8", "::1"));
}

TEST(CidrTest, MappedIpv6MatchesIpv4Networks) { EXPECT_TRUE(In("10.0.0.0/8", "::ffff:10.1.2.3")); }

TEST(CidrTest, RejectsMalformed) {
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.1.2.3/8", "300.0.0.0/8", "abc",
                          "10.0.0.0/08", "::/129", "10.0.0.0/-1"}) {
    EXPECT_FALSE(Cidr::Parse(bad).ok()) << bad;
  }
}

TEST(CidrTest, PeerAddressOfGrpcPeers) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:5555"), "::1");
  EXPECT_EQ(PeerAddress("unix:/tmp/sock"), "");
}

}  // namespace
}  // namespace iam
