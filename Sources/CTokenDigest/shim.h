#ifndef PARETOPILOT_CTOKENDIGEST_H
#define PARETOPILOT_CTOKENDIGEST_H

// SHA-256 from OpenSSL's libcrypto (EVP interface), used to store API tokens hashed.
#include <openssl/evp.h>

#endif
