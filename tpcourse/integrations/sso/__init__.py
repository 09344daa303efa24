"""Single sign-on with a school's OpenID Connect provider: providers (per school, set up by its
admins) and the login itself (authorisation code flow with PKCE, state and nonce, by Authlib)."""
