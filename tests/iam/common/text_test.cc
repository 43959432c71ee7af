#include "iam/common/text.h"

#include <gtest/gtest.h>

namespace iam::text {
namespace {

TEST(TextTest, AcceptsAwsStyleNames) {
  EXPECT_TRUE(CheckName("username", "alice.smith+ops@corp_1=x,y-z", 64).ok());
}

TEST(TextTest, RejectsHostileAndMalformedNames) {
  for (const char* bad : {"", "a b", "bob'; DROP TABLE users;--", "<script>", "名字",
                          "a\nb", "\xff\xfe"}) {
    absl::Status s = CheckName("username", bad, 64);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("username"), absl::string_view::npos);
  }
  EXPECT_EQ(CheckName("username", std::string(65, 'a'), 64).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TextTest, ErrorsNeverEchoTheValue) {
  absl::Status s = CheckName("username", "secret-looking value!", 64);
  EXPECT_EQ(s.message().find("secret-looking"), absl::string_view::npos);
}

TEST(TextTest, ValidatesUtf8Strictly) {
  EXPECT_TRUE(IsValidUtf8("héllo 世界 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xe4\xb8"));       // truncated
}

TEST(TextTest, FreeTextCountsCodePointsAndRefusesControls) {
  EXPECT_TRUE(CheckFreeText("display_name", "xxxxxxxxxx世界", 12).ok());
  EXPECT_FALSE(CheckFreeText("display_name", "世界世", 2).ok());
  EXPECT_FALSE(CheckFreeText("display_name", "a\x01z", 10).ok());
  EXPECT_FALSE(CheckFreeText("display_name", "bad \xff", 10).ok());
  EXPECT_FALSE(CheckFreeText("display_name", "", 10, /*allow_empty=*/false).ok());
}

TEST(TextTest, EmailShape) {
  EXPECT_TRUE(CheckEmail("email", "bob@example.com").ok());
  for (const char* bad : {"bob", "@example.com", "bob@", "bob@example", "a b@example.com",
                          "bob@@example.com", "bob@example..com", "x@y.com\r\nBcc: z@w.com"}) {
    EXPECT_EQ(CheckEmail("email", bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(TextTest, PhoneIsNormalised) {
  EXPECT_EQ(*NormalizePhone("phone", "+1 (555) 010-9999"), "+15550109999");
  EXPECT_FALSE(NormalizePhone("phone", "12").ok());
  EXPECT_FALSE(NormalizePhone("phone", "555-CALL-NOW").ok());
  EXPECT_FALSE(NormalizePhone("phone", "1+23456").ok());
}

TEST(TextTest, Masks) {
  EXPECT_EQ(MaskEmail("alice@example.com"), "a***@example.com");
  EXPECT_EQ(MaskEmail("élise@example.com"), "é***@example.com");
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("+15550109999"), "+15*****9999");
  EXPECT_EQ(MaskPhone("12345"), "***45");
}

TEST(TextTest, QuotedNeverBreaksTheLineOrTheTerminal) {
  EXPECT_EQ(Quoted("bob"), "\"bob\"");
  EXPECT_EQ(Quoted("a\"b\x1b[31m\n"), "\"a\\\"b\\x1b[31m\\n\"");
  EXPECT_EQ(Quoted("\xc3\xa9"), "\"\\xc3\\xa9\"");
  EXPECT_EQ(Quoted(std::string(100, 'x')), "\"" + std::string(64, 'x') + "...\"");
}

}  // namespace
}  // namespace iam::text
