#include "iam/web/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::web {

absl::StatusOr<std::string> QrSvgDataUri(const std::string& text) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return absl::InvalidArgumentError("the text does not fit in a QR code");
  constexpr int kQuiet = 4;
  const int w = qr->width;
  const int size = w + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w; ++x) {
      if (qr->data[y * w + x] & 1)
        absl::StrAppend(&path, "M", x + kQuiet, " ", y + kQuiet, "h1v1h-1z");
    }
  }
  const std::string svg =
      absl::StrCat(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )", size, " ", size,
                   R"(" shape-rendering="crispEdges" >)",
                   R"(<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=")", path,
                   R"("/></svg>)");
  return absl::StrCat("data:image/svg+xml;base64,", crypto::Base64(svg));
}

}  // namespace iam::web
