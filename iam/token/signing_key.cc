#include "iam/token/signing_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::token {
namespace {

constexpr size_t kEs256Half = 32;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

const EVP_MD* Digest(Alg alg) { return alg == Alg::kEdDSA ? nullptr : EVP_sha256(); }

std::string BnBytes(const BIGNUM* bn, int pad) {
  std::string out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}

std::string GetBnParam(EVP_PKEY* k, const char* name, int pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) return "";
  Bn hold(bn);
  return BnBytes(bn, pad);
}

// ECDSA signatures travel as DER in OpenSSL and as r||s in JWS.
absl::StatusOr<std::string> DerToRaw(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return absl::InternalError("bad ECDSA signature");
  const BIGNUM *r, *s;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string out = BnBytes(r, kEs256Half) + BnBytes(s, kEs256Half);
  ECDSA_SIG_free(sig);
  return out;
}

std::string RawToDer(absl::string_view raw) {
  if (raw.size() != 2 * kEs256Half) return "";
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), kEs256Half, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + kEs256Half,
                        kEs256Half, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  std::string out = len > 0 ? std::string(reinterpret_cast<char*>(der), len) : "";
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

EVP_PKEY* FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (ctx && params && EVP_PKEY_fromdata_init(ctx.get()) == 1) {
    EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params);
  }
  OSSL_PARAM_free(params);
  return pkey;
}

absl::StatusOr<std::string> JwkBytes(const nlohmann::json& jwk, const char* field) {
  if (!jwk.contains(field) || !jwk[field].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("jwk: missing ", field));
  }
  return crypto::FromBase64Url(jwk[field].get<std::string>());
}

}  // namespace

absl::StatusOr<Alg> ParseAlg(absl::string_view name) {
  if (name == "ES256") return Alg::kES256;
  if (name == "EdDSA") return Alg::kEdDSA;
  if (name == "RS256") return Alg::kRS256;
  return absl::InvalidArgumentError("alg: must be ES256, EdDSA or RS256");
}

const char* AlgName(Alg alg) {
  switch (alg) {
    case Alg::kES256: return "ES256";
    case Alg::kEdDSA: return "EdDSA";
    case Alg::kRS256: return "RS256";
  }
  return "";
}

SigningKey::SigningKey(Alg alg, std::string kid, EVP_PKEY* pkey, bool has_private)
    : alg_(alg), kid_(std::move(kid)), pkey_(pkey), has_private_(has_private) {}

SigningKey::~SigningKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::Generate(Alg alg, std::string kid) {
  EVP_PKEY* pkey = nullptr;
  switch (alg) {
    case Alg::kES256: pkey = EVP_EC_gen("P-256"); break;
    case Alg::kEdDSA: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case Alg::kRS256: pkey = EVP_RSA_gen(2048); break;
  }
  if (pkey == nullptr) return absl::InternalError("key generation failed");
  return std::shared_ptr<const SigningKey>(new SigningKey(alg, std::move(kid), pkey, true));
}

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::FromPrivatePem(
    Alg alg, std::string kid, absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) return absl::DataLossError("signing key: private key does not parse");
  const int id = EVP_PKEY_get_base_id(pkey);
  const bool right = (alg == Alg::kES256 && id == EVP_PKEY_EC) ||
                     (alg == Alg::kEdDSA && id == EVP_PKEY_ED25519) ||
                     (alg == Alg::kRS256 && id == EVP_PKEY_RSA);
  if (!right) {
    EVP_PKEY_free(pkey);
    return absl::DataLossError("signing key: key type does not match its algorithm");
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(alg, std::move(kid), pkey, true));
}

absl::StatusOr<std::shared_ptr<const SigningKey>> SigningKey::FromPublicJwk(
    const nlohmann::json& jwk) {
  if (!jwk.is_object() || !jwk.contains("alg") || !jwk["alg"].is_string() ||
      !jwk.contains("kid") || !jwk["kid"].is_string()) {
    return absl::InvalidArgumentError("jwk: needs alg and kid");
  }
  auto alg = ParseAlg(jwk["alg"].get<std::string>());
  if (!alg.ok()) return alg.status();
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (*alg == Alg::kEdDSA) {
    auto x = JwkBytes(jwk, "x");
    if (x.ok()) {
      pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                         reinterpret_cast<const unsigned char*>(x->data()),
                                         x->size());
    }
  } else if (*alg == Alg::kES256) {
    auto x = JwkBytes(jwk, "x");
    auto y = JwkBytes(jwk, "y");
    if (x.ok() && y.ok() && x->size() == kEs256Half && y->size() == kEs256Half) {
      std::string point = "\x04" + *x + *y;
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
      pkey = FromParams("EC", bld);
    }
  } else {
    auto n = JwkBytes(jwk, "n");
    auto e = JwkBytes(jwk, "e");
    if (n.ok() && e.ok()) {
      Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr));
      Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), e->size(), nullptr));
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get());
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
      pkey = FromParams("RSA", bld);
    }
  }
  OSSL_PARAM_BLD_free(bld);
  if (pkey == nullptr) return absl::InvalidArgumentError("jwk: public key does not parse");
  return std::shared_ptr<const SigningKey>(
      new SigningKey(*alg, jwk["kid"].get<std::string>(), pkey, false));
}

absl::StatusOr<std::string> SigningKey::Sign(absl::string_view data) const {
  if (!has_private_) return absl::FailedPreconditionError("signing key: public half only");
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, Digest(alg_), nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    return absl::InternalError("signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return absl::InternalError("signing failed");
  }
  sig.resize(len);
  if (alg_ == Alg::kES256) return DerToRaw(sig);
  return sig;
}

bool SigningKey::Verify(absl::string_view data, absl::string_view signature) const {
  std::string der;
  if (alg_ == Alg::kES256) {
    der = RawToDer(signature);
    if (der.empty()) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, Digest(alg_), nullptr, pkey_) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string SigningKey::PrivatePem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey_, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, len);
  return out;
}

nlohmann::json SigningKey::PublicJwk() const {
  nlohmann::json j = {{"kid", kid_}, {"alg", AlgName(alg_)}, {"use", "sig"}};
  switch (alg_) {
    case Alg::kES256:
      j["kty"] = "EC";
      j["crv"] = "P-256";
      j["x"] = crypto::Base64Url(GetBnParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_X, kEs256Half));
      j["y"] = crypto::Base64Url(GetBnParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_Y, kEs256Half));
      break;
    case Alg::kEdDSA: {
      j["kty"] = "OKP";
      j["crv"] = "Ed25519";
      std::string raw(32, '\0');
      size_t len = raw.size();
      EVP_PKEY_get_raw_public_key(pkey_, reinterpret_cast<unsigned char*>(raw.data()), &len);
      raw.resize(len);
      j["x"] = crypto::Base64Url(raw);
      break;
    }
    case Alg::kRS256:
      j["kty"] = "RSA";
      j["n"] = crypto::Base64Url(GetBnParam(pkey_, OSSL_PKEY_PARAM_RSA_N, 0));
      j["e"] = crypto::Base64Url(GetBnParam(pkey_, OSSL_PKEY_PARAM_RSA_E, 0));
      break;
  }
  return j;
}

}  // namespace iam::token
