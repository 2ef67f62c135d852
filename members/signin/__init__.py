"""Headnet's versions of allauth's Microsoft, Google and OpenID Connect providers.

allauth trusts an ID token received straight from the provider's token endpoint without
checking its signature, and sends no nonce. Headnet checks both: each sign-in sends a
fresh nonce (kept in allauth's state, so a state is good once), and every ID token must
be signed by one of the provider's published keys, for this client, from the provider's
issuer, unexpired, and carry that nonce (idtoken.py). allauth is told to use these
classes by "provider_class" in SOCIALACCOUNT_PROVIDERS (config/settings.py).
"""
