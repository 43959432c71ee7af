// Counters by label values, and the exposition format's small rules.
#include "iam/common/counter_family.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace iam {
namespace {

TEST(CounterFamilyTest, CountsPerLabelValuesSortedAndDescribedOnce) {
  CounterFamily f("iam_things_total", "Things.", {"kind", "result"});
  f.Inc({"b", "ok"});
  f.Inc({"a", "ok"}, 2);
  f.Inc({"b", "ok"});
  EXPECT_EQ(f.Value({"b", "ok"}), 2u);
  EXPECT_EQ(f.Value({"a", "ok"}), 2u);
  EXPECT_EQ(f.Value({"c", "ok"}), 0u);
  std::string out;
  f.AppendTo(&out);
  EXPECT_EQ(out,
            "# HELP iam_things_total Things.\n"
            "# TYPE iam_things_total counter\n"
            "iam_things_total{kind=\"a\",result=\"ok\"} 2\n"
            "iam_things_total{kind=\"b\",result=\"ok\"} 2\n");
}

TEST(CounterFamilyTest, AHostileValueCannotEndItsLabelOrLine) {
  CounterFamily f("iam_x_total", "X.", {"v"});
  f.Inc({"a\"} 1\nevil_total 9\\"});
  std::string out;
  f.AppendTo(&out);
  EXPECT_NE(out.find("iam_x_total{v=\"a\\\"} 1\\nevil_total 9\\\\\"} 1\n"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("\nevil_total"), std::string::npos) << out;
}

TEST(CounterFamilyTest, ConcurrentCountsAreAllKept) {
  CounterFamily f("iam_c_total", "C.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) f.Inc({i % 2 ? "odd" : "even"});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.Value({"odd"}) + f.Value({"even"}), 40000u);
}

TEST(MetricValueTest, TheShortestTextThatReadsBackTheSame) {
  EXPECT_EQ(MetricValue(0), "0");
  EXPECT_EQ(MetricValue(35242000), "35242000");
  EXPECT_EQ(MetricValue(1795930000.125), "1795930000.125");
  EXPECT_EQ(MetricValue(0.1), "0.1");
  EXPECT_EQ(MetricValue(0.000125), "0.000125");
}

}  // namespace
}  // namespace iam
