#include "iam/cli/mfa_flow.h"

#include <qrencode.h>

#include <iostream>

#include "iam/cli/command.h"
#include "iam/cli/secret_input.h"

namespace iam::cli {
namespace {

using v1::AuthService;

// Two modules per character (upper and lower half blocks), dark on light,
// with the quiet zone scanners need.
void PrintQr(const std::string& text) {
  QRcode* qr = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == nullptr) return;
  const int quiet = 2;
  const int n = qr->width;
  auto dark = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= n || y >= n) return false;
    return (qr->data[y * n + x] & 1) != 0;
  };
  for (int y = -quiet; y < n + quiet; y += 2) {
    std::string line;
    for (int x = -quiet; x < n + quiet; ++x) {
      const bool top = dark(x, y), bottom = dark(x, y + 1);
      // Light modules are printed, so the code reads on dark terminals.
      line += !top && !bottom ? "\u2588" : !top ? "\u2580" : !bottom ? "\u2584" : " ";
    }
    std::cout << line << "\n";
  }
  QRcode_free(qr);
}

}  // namespace

void PrintEnrollment(const v1::BeginTotpEnrollmentResponse& e) {
  PrintQr(e.otpauth_uri());
  std::cout << "scan the code with an authenticator app, or enter the secret by hand:\n  "
            << e.secret() << " (" << e.algorithm() << ", " << e.digits() << " digits, "
            << e.period_seconds() << " s)\n"
            << e.otpauth_uri() << "\n";
}

grpc::Status CompleteMfa(Context& c, bool remember_device, v1::LoginResponse* r) {
  if (r->enrollment_required()) {
    std::cerr << "this account requires a second factor: enrol one now\n";
    v1::BeginTotpEnrollmentRequest b;
    b.set_ticket(r->mfa_ticket());
    v1::BeginTotpEnrollmentResponse e;
    grpc::Status s = Invoke(c, &AuthService::Stub::BeginTotpEnrollment, b, &e);
    if (!s.ok()) return s;
    PrintEnrollment(e);
    while (r->status() == v1::LOGIN_STATUS_MFA_REQUIRED) {
      v1::ConfirmTotpEnrollmentRequest q;
      q.set_ticket(r->mfa_ticket());
      q.set_code(ReadSecret("code from the app: "));
      q.set_remember_device(remember_device);
      v1::ConfirmTotpEnrollmentResponse out;
      s = Invoke(c, &AuthService::Stub::ConfirmTotpEnrollment, q, &out);
      if (!s.ok()) return s;
      *r = out.login();
      if (r->status() == v1::LOGIN_STATUS_SUCCESS) {
        std::cout << "recovery codes (each works once; keep them safe, they are not shown "
                     "again):\n";
        for (const auto& code : out.recovery_codes()) std::cout << "  " << code << "\n";
      } else if (r->status() == v1::LOGIN_STATUS_MFA_REQUIRED) {
        std::cerr << "that code does not match; try the next one\n";
      }
    }
    return grpc::Status::OK;
  }
  while (r->status() == v1::LOGIN_STATUS_MFA_REQUIRED) {
    const std::string typed = ReadSecret("authentication code (or recovery code): ");
    v1::VerifyMfaRequest q;
    q.set_ticket(r->mfa_ticket());
    const bool digits =
        !typed.empty() && typed.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      q.set_code(typed);
    } else {
      q.set_recovery_code(typed);
    }
    q.set_remember_device(remember_device);
    grpc::Status s = Invoke(c, &AuthService::Stub::VerifyMfa, q, r);
    if (!s.ok()) return s;
    if (r->status() == v1::LOGIN_STATUS_MFA_REQUIRED) std::cerr << "wrong code; try again\n";
  }
  return grpc::Status::OK;
}

}  // namespace iam::cli
