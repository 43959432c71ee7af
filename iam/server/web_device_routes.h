// The verification pages of the device authorization grant (RFC 8628):
//
//   GET, POST /accounts/{id}/device[?user_code=...]     the code the device shows
//   GET, POST /accounts/{id}/device/confirm?request=... allow or deny it
//
// The code starts a sign-in through the usual login pages (every rule of
// the login applies); once signed in, the user allows or denies the
// device in so many words, every time, seeing the code and the device's
// address, so that a code sent by someone else is not allowed by habit.
#ifndef IAM_SERVER_WEB_DEVICE_ROUTES_H_
#define IAM_SERVER_WEB_DEVICE_ROUTES_H_

#include "iam/server/http_router.h"
#include "iam/server/web_routes.h"

namespace iam::server {

void AddDeviceRoutes(HttpRouter& router, const WebRoutes& p);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_DEVICE_ROUTES_H_
