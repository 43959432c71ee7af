// AuthServiceImpl: the gRPC face of login, tokens and sessions. Thin:
// translate, call the domain services, translate back. Thread-safe.
#ifndef IAM_SERVER_AUTH_SERVICE_H_
#define IAM_SERVER_AUTH_SERVICE_H_

#include "iam/auth/device_login.h"
#include "iam/auth/login_service.h"
#include "iam/auth/mfa_login_service.h"
#include "iam/auth/password_service.h"
#include "iam/server/authenticator.h"
#include "iam/session/session_service.h"
#include "iam/token/token_service.h"
#include "iam/v1/auth_service.grpc.pb.h"

namespace iam::server {

// The domain services AuthService fronts. Borrowed.
struct AuthBackends {
  auth::LoginService& login;
  auth::MfaLoginService& mfa_login;
  auth::DeviceLogin& device_login;
  auth::PasswordService& passwords;
  session::SessionService& sessions;
  mfa::MfaService& mfa;
  mfa::DeviceService& devices;
  token::TokenService& tokens;
  const Clock& clock;
  const StoreOutage* outage;  // may be null
};

// VerifyToken, the method other services call on every request, is served
// through the callback API (on gRPC's threads, no hand-off: its answer
// comes from caches); the rest are synchronous.
class AuthServiceImpl final
    : public v1::AuthService::WithCallbackMethod_VerifyToken<v1::AuthService::Service> {
 public:
  AuthServiceImpl(const AuthBackends& b, const Authenticator* authenticator)
      : login_(b.login), mfa_login_(b.mfa_login), device_login_(&b.device_login),
        passwords_(b.passwords),
        sessions_(&b.sessions), mfa_(&b.mfa), devices_(&b.devices), tokens_(&b.tokens),
        authn_(authenticator), clock_(&b.clock), outage_(b.outage) {}

  grpc::Status Login(grpc::ServerContext*, const v1::LoginRequest*, v1::LoginResponse*) override;
  grpc::Status Refresh(grpc::ServerContext*, const v1::RefreshRequest*,
                       v1::TokenResponse*) override;
  // auth_device_login.cc
  grpc::Status StartDeviceLogin(grpc::ServerContext*, const v1::StartDeviceLoginRequest*,
                                v1::StartDeviceLoginResponse*) override;
  grpc::Status FinishDeviceLogin(grpc::ServerContext*, const v1::FinishDeviceLoginRequest*,
                                 v1::FinishDeviceLoginResponse*) override;
  grpc::Status Logout(grpc::ServerContext*, const v1::LogoutRequest*,
                      v1::LogoutResponse*) override;
  grpc::Status ChangePassword(grpc::ServerContext*, const v1::ChangePasswordRequest*,
                              v1::ChangePasswordResponse*) override;
  grpc::Status IssueToken(grpc::ServerContext*, const v1::IssueTokenRequest*,
                          v1::IssueTokenResponse*) override;
  grpc::ServerUnaryReactor* VerifyToken(grpc::CallbackServerContext*,
                                        const v1::VerifyTokenRequest*,
                                        v1::VerifyTokenResponse*) override;
  grpc::Status GetJwks(grpc::ServerContext*, const v1::GetJwksRequest*,
                       v1::GetJwksResponse*) override;
  grpc::Status ListSessions(grpc::ServerContext*, const v1::ListSessionsRequest*,
                            v1::ListSessionsResponse*) override;
  grpc::Status RevokeSession(grpc::ServerContext*, const v1::RevokeSessionRequest*,
                             v1::RevokeSessionResponse*) override;
  grpc::Status VerifyMfa(grpc::ServerContext*, const v1::VerifyMfaRequest*,
                         v1::LoginResponse*) override;
  grpc::Status BeginTotpEnrollment(grpc::ServerContext*, const v1::BeginTotpEnrollmentRequest*,
                                   v1::BeginTotpEnrollmentResponse*) override;
  grpc::Status ConfirmTotpEnrollment(grpc::ServerContext*, const v1::ConfirmTotpEnrollmentRequest*,
                                     v1::ConfirmTotpEnrollmentResponse*) override;
  grpc::Status RegenerateRecoveryCodes(grpc::ServerContext*,
                                       const v1::RegenerateRecoveryCodesRequest*,
                                       v1::RegenerateRecoveryCodesResponse*) override;
  grpc::Status GetMfaStatus(grpc::ServerContext*, const v1::GetMfaStatusRequest*,
                            v1::MfaStatus*) override;
  grpc::Status StepUp(grpc::ServerContext*, const v1::StepUpRequest*,
                      v1::StepUpResponse*) override;
  grpc::Status ListDevices(grpc::ServerContext*, const v1::ListDevicesRequest*,
                           v1::ListDevicesResponse*) override;
  grpc::Status RevokeDevice(grpc::ServerContext*, const v1::RevokeDeviceRequest*,
                            v1::RevokeDeviceResponse*) override;

 private:
  grpc::Status Verify(const v1::VerifyTokenRequest& req, v1::VerifyTokenResponse* out) const;
  void FillLogin(const auth::LoginResult& result, v1::LoginResponse* out) const;

  auth::LoginService& login_;
  auth::MfaLoginService& mfa_login_;
  auth::DeviceLogin* device_login_;
  auth::PasswordService& passwords_;
  session::SessionService* sessions_;
  mfa::MfaService* mfa_;
  mfa::DeviceService* devices_;
  token::TokenService* tokens_;
  const Authenticator* authn_;
  const Clock* clock_;
  const StoreOutage* outage_;  // may be null
};

}  // namespace iam::server

#endif  // IAM_SERVER_AUTH_SERVICE_H_
