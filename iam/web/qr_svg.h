// A QR code as an SVG image (one path of dark modules, with the quiet
// zone) in a data: URI, for pages that show an otpauth:// URI to a phone's
// camera: an <img> source, escaped like any other value.
#ifndef IAM_WEB_QR_SVG_H_
#define IAM_WEB_QR_SVG_H_

#include <string>

#include "absl/status/statusor.h"

namespace iam::web {

// INVALID_ARGUMENT when the text does not fit in a QR code.
absl::StatusOr<std::string> QrSvgDataUri(const std::string& text);

}  // namespace iam::web

#endif  // IAM_WEB_QR_SVG_H_
