#include "iam/session/eviction.h"

#include <gtest/gtest.h>

namespace iam::session {
namespace {

// Live sessions, oldest first, of the given client types.
std::vector<store::SessionRow> Live(const std::vector<std::string>& types) {
  std::vector<store::SessionRow> out;
  for (size_t i = 0; i < types.size(); ++i) {
    store::SessionRow s;
    s.id = "s" + std::to_string(i);
    s.client_type = types[i];
    s.created_at = static_cast<int64_t>(i);
    out.push_back(s);
  }
  return out;
}

TEST(SessionsToEvictTest, NoLimitsEvictNothing) {
  EXPECT_TRUE(SessionsToEvict(Live({"web", "web", "api"}), "web", 0, 0).empty());
}

TEST(SessionsToEvictTest, UnderTheLimitsEvictsNothing) {
  EXPECT_TRUE(SessionsToEvict(Live({"web", "api"}), "web", 2, 3).empty());
  EXPECT_TRUE(SessionsToEvict({}, "web", 1, 1).empty());
}

TEST(SessionsToEvictTest, TheOldestOfTheSameTypeGoesFirst) {
  // Two web sessions and a limit of two web: the oldest web one makes room,
  // not the older api one.
  EXPECT_EQ(SessionsToEvict(Live({"api", "web", "web"}), "web", 2, 0), (std::vector<size_t>{1}));
}

TEST(SessionsToEvictTest, ThePerUserLimitTakesTheOldestOfAnyType) {
  EXPECT_EQ(SessionsToEvict(Live({"api", "mobile", "web"}), "web", 0, 3), (std::vector<size_t>{0}));
  EXPECT_EQ(SessionsToEvict(Live({"api", "mobile", "web"}), "web", 0, 2),
            (std::vector<size_t>{0, 1}));
}

TEST(SessionsToEvictTest, BothLimitsNeverEvictOneSessionTwice) {
  // The web limit evicts s1; the per-user limit then needs one more and
  // skips s1, taking the oldest other (s0).
  EXPECT_EQ(SessionsToEvict(Live({"api", "web", "mobile"}), "web", 1, 2),
            (std::vector<size_t>{1, 0}));
  // The web eviction already made room for the per-user limit.
  EXPECT_EQ(SessionsToEvict(Live({"api", "web"}), "web", 1, 2), (std::vector<size_t>{1}));
}

TEST(SessionsToEvictTest, ALimitOfOneLeavesRoomForTheNewSessionOnly) {
  EXPECT_EQ(SessionsToEvict(Live({"web", "web", "web"}), "web", 1, 0),
            (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(SessionsToEvict(Live({"web", "api"}), "mobile", 0, 1), (std::vector<size_t>{0, 1}));
}

}  // namespace
}  // namespace iam::session
