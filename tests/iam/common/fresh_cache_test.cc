#include "iam/common/fresh_cache.h"

#include <gtest/gtest.h>

namespace iam {
namespace {

TEST(FreshCacheTest, AnswersUntilTheMaxAgeThenForgets) {
  FakeClock clock;
  FreshCache<int> cache(&clock, absl::Seconds(1), 10);
  EXPECT_FALSE(cache.Get("a"));
  cache.Put("a", 1, cache.Generation());
  ASSERT_TRUE(cache.Get("a"));
  EXPECT_EQ(*cache.Get("a"), 1);
  clock.Advance(absl::Milliseconds(999));
  EXPECT_TRUE(cache.Get("a"));
  clock.Advance(absl::Milliseconds(1));
  EXPECT_FALSE(cache.Get("a"));
}

TEST(FreshCacheTest, AClockGoingBackDoesNotExtendAnEntry) {
  FakeClock clock;
  FreshCache<int> cache(&clock, absl::Seconds(1), 10);
  cache.Put("a", 1, cache.Generation());
  clock.Advance(absl::Seconds(-30));
  EXPECT_FALSE(cache.Get("a"));
}

TEST(FreshCacheTest, ForgetAndClearTakeEffectAtOnce) {
  FakeClock clock;
  FreshCache<std::string> cache(&clock, absl::Seconds(1), 10);
  cache.Put("a", "x", cache.Generation());
  cache.Put("b", "y", cache.Generation());
  cache.Forget("a");
  EXPECT_FALSE(cache.Get("a"));
  EXPECT_TRUE(cache.Get("b"));
  cache.Clear();
  EXPECT_FALSE(cache.Get("b"));
}

TEST(FreshCacheTest, AValueReadBeforeAClearIsNotPutBack) {
  FakeClock clock;
  FreshCache<int> cache(&clock, absl::Seconds(1), 10);
  const uint64_t before = cache.Generation();  // a read starts...
  cache.Clear();                               // ...a change commits...
  cache.Put("a", 1, before);                   // ...the old value arrives
  EXPECT_FALSE(cache.Get("a"));
  cache.Put("a", 2, cache.Generation());
  EXPECT_EQ(*cache.Get("a"), 2);
}

TEST(FreshCacheTest, MemoryIsBounded) {
  FakeClock clock;
  FreshCache<int> cache(&clock, absl::Seconds(1), 3);
  for (int i = 0; i < 100; ++i) cache.Put("k" + std::to_string(i), i, cache.Generation());
  int present = 0;
  for (int i = 0; i < 100; ++i) present += cache.Get("k" + std::to_string(i)).has_value();
  EXPECT_LE(present, 3);
  EXPECT_TRUE(cache.Get("k99"));
}

}  // namespace
}  // namespace iam
